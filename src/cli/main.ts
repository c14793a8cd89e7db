// ClouDO command line: `schemas check | apply [--prune] | jsonschema [--write]`.
import path from 'node:path';
import { writeMappingJsonSchema } from '../adapters/schema-files';
import { createAdminServices, type AdminServices } from '../admin';
import { ConfigError, loadConfig, type CloudoConfig } from '../config';
import { AppError } from '../domain/errors';
import { mappingJsonSchema } from '../domain/mapping-json-schema';
import { MappingValidationError } from '../services/apply-mappings';

const USAGE = `usage: cloudo schemas check               validate the files in CLOUDO_SCHEMAS_DIR and their runbooks
       cloudo schemas apply [--prune]      upsert them into the configured storage; --prune removes the others
       cloudo schemas jsonschema [--write] print (or write) schemas/mapping.schema.json`;

type Verb = (config: CloudoConfig, admin: AdminServices, flags: readonly string[]) => Promise<number>;

const VERBS: Readonly<Record<string, { flags: readonly string[]; run: Verb }>> = {
  check: { flags: [], run: check },
  apply: { flags: ['--prune'], run: apply },
  jsonschema: { flags: ['--write'], run: jsonschema },
};

export async function runCli(argv: readonly string[]): Promise<number> {
  const [group, verb, ...flags] = argv;
  const command = verb === undefined ? undefined : VERBS[verb];
  if (group !== 'schemas' || !command || flags.some((f) => !command.flags.includes(f))) return usage();
  const config = loadConfig();
  return command.run(config, createAdminServices(config), flags);
}

async function check(config: CloudoConfig, admin: AdminServices): Promise<number> {
  const mappings = await admin.loadMappings();
  const problems = await admin.runbookProblems(mappings);
  if (problems.length > 0) throw new MappingValidationError(problems);
  const where = path.relative(process.cwd(), config.schemasDir) || '.';
  console.log(`ok: ${mappings.length} mappings in ${where}, every runbook found`);
  return 0;
}

async function apply(config: CloudoConfig, admin: AdminServices, flags: readonly string[]): Promise<number> {
  // Files first: a typo must fail before anything touches storage.
  const mappings = await admin.loadMappings();
  if (!config.storageConnection) {
    console.error(
      'No storage configured: set AzureWebJobsStorage or CLOUDO_STORAGE_CONNECTION. ' +
        '(npm start applies schemas/ to its embedded Azurite by itself.)',
    );
    return 2;
  }
  const report = await admin.apply(mappings, flags.includes('--prune'));
  console.log(`applied ${report.upserted} mappings; pruned ${report.pruned}`);
  if (report.stale.length > 0 && report.pruned === 0) {
    console.log(`stored but not in files (use --prune to remove): ${report.stale.join(', ')}`);
  }
  return 0;
}

async function jsonschema(config: CloudoConfig, _admin: AdminServices, flags: readonly string[]): Promise<number> {
  const text = `${JSON.stringify(mappingJsonSchema(), null, 2)}\n`;
  if (flags.includes('--write')) console.log(`wrote ${await writeMappingJsonSchema(config.schemasDir, text)}`);
  else process.stdout.write(text);
  return 0;
}

function usage(): number {
  console.error(USAGE);
  return 2;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const known = err instanceof ConfigError || err instanceof MappingValidationError || err instanceof AppError;
      console.error(known ? (err as Error).message : err);
      process.exit(1);
    },
  );
}
