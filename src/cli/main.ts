// ClouDO command line: `schemas check | apply [--prune] | jsonschema [--write]`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createMappingTable } from '../adapters/mapping-table';
import { resolveRunbook } from '../adapters/runbook-resolver';
import { readMappingFiles } from '../adapters/schema-files';
import { createStorageClients, ensureTables } from '../adapters/storage-clients';
import { ConfigError, loadConfig } from '../config';
import { mappingJsonSchema } from '../domain/mapping-json-schema';
import { applyMappings, MappingValidationError, validateMappingFiles } from '../services/apply-mappings';
import { findRunbookProblems } from '../services/check-runbooks';

const USAGE = `usage: cloudo schemas check            validate the files in CLOUDO_SCHEMAS_DIR and their runbooks
       cloudo schemas apply [--prune]  upsert them into the configured storage; --prune removes the others
       cloudo schemas jsonschema [--write]  print (or write) schemas/mapping.schema.json`;

export async function runCli(argv: readonly string[]): Promise<number> {
  const [group, verb, ...flags] = argv;
  if (group !== 'schemas' || !verb) return usage();
  const config = loadConfig();
  const mappings = async () => validateMappingFiles(await readMappingFiles(config.schemasDir));
  switch (verb) {
    case 'check': {
      const all = await mappings();
      const problems = await findRunbookProblems(all, (runbook) => resolveRunbook(config.runbooksDir, runbook));
      if (problems.length > 0) throw new MappingValidationError(problems);
      const where = path.relative(process.cwd(), config.schemasDir) || '.';
      console.log(`ok: ${all.length} mappings in ${where}, every runbook found`);
      return 0;
    }
    case 'apply': {
      if (!config.storageConnection) {
        console.error(
          'No storage configured: set AzureWebJobsStorage or CLOUDO_STORAGE_CONNECTION. (npm start applies schemas/ to its embedded Azurite by itself.)',
        );
        return 2;
      }
      const clients = createStorageClients(config.storageConnection, config);
      await ensureTables(clients);
      const report = await applyMappings(
        createMappingTable(clients.mappings),
        await mappings(),
        flags.includes('--prune'),
      );
      console.log(`applied ${report.upserted} mappings; pruned ${report.pruned}`);
      if (report.stale.length > 0 && report.pruned === 0)
        console.log(`stored but not in files (use --prune to remove): ${report.stale.join(', ')}`);
      return 0;
    }
    case 'jsonschema': {
      const text = `${JSON.stringify(mappingJsonSchema(), null, 2)}\n`;
      if (flags.includes('--write')) await fs.writeFile(path.join(config.schemasDir, 'mapping.schema.json'), text);
      else process.stdout.write(text);
      return 0;
    }
    default:
      return usage();
  }
}

function usage(): number {
  console.error(USAGE);
  return 2;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof MappingValidationError) console.error(err.message);
      else console.error(err);
      process.exit(1);
    },
  );
}
