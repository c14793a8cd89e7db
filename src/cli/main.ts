#!/usr/bin/env node
// ClouDO command line: `schemas check | apply [--prune] | jsonschema [--write]`, `azure verify | attach`, `intake …`.
import path from 'node:path';
import { ArmError } from '../adapters/azure/arm-requests';
import { writeMappingJsonSchema } from '../adapters/mappings/schema-files';
import { createAdminServices, type AdminServices } from '../composition/admin-wiring';
import { ConfigError, loadConfig, type CloudoConfig } from '../config/load-config';
import { AppError } from '../domain/shared/errors';
import { mappingJsonSchema } from '../domain/mappings/mapping-json-schema';
import { MappingValidationError } from '../services/mappings/apply-mappings';
import { AZURE_VERBS, defaultAzureDeps, runAzure } from './azure-commands';
import type { AzureDeps } from './azure-deps';
import { UsageError } from './cli-args';
import { INTAKE_VERBS, defaultIntakeDeps, runIntake } from './intake-commands';

const USAGE = `usage: cloudo schemas check               validate the files in CLOUDO_SCHEMAS_DIR and their runbooks
       cloudo schemas apply [--prune]      upsert them into the configured storage; --prune removes the others
       cloudo schemas jsonschema [--write] print (or write) schemas/mapping.schema.json
       cloudo azure verify --subscription <id> --resource-group <rg> --action-group <name> --app-url <https://app>
                           [--function-key <key>] [--test [--wait-seconds 120] [--alert-type metricstaticthreshold]]
                                           check the action group's webhook reaches <app>/api/Trigger with a key and
                                           the common alert schema; --test sends a test alert and waits for the app
       cloudo azure attach --rule <alert rule id> --action-group-id <action group id>
                                           add the action group to a metric, log search or activity log alert rule
       cloudo intake status [--limit 20]   intake and poison queue depths, then the newest rejected messages
       cloudo intake replay [--max 32] [--dry-run]
                                           move messages from <intake queue>-poison back to the intake queue;
                                           --dry-run only shows them
Azure calls sign in with DefaultAzureCredential (az login, managed or workload identity).`;

type Verb = (config: CloudoConfig, admin: AdminServices, flags: readonly string[]) => Promise<number>;

const VERBS: Readonly<Record<string, { flags: readonly string[]; run: Verb }>> = {
  check: { flags: [], run: check },
  apply: { flags: ['--prune'], run: apply },
  jsonschema: { flags: ['--write'], run: jsonschema },
};

/** `azureDeps` is for tests; the azure verbs otherwise reach Azure and the app for real. */
export async function runCli(argv: readonly string[], azureDeps?: () => AzureDeps): Promise<number> {
  const [group, verb, ...flags] = argv;
  if (group === 'azure') return azure(verb, flags, azureDeps ?? defaultAzureDeps);
  if (group === 'intake') return intake(verb, flags);
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
  if (!config.storage) {
    console.error(
      'No storage configured: set AzureWebJobsStorage (or AzureWebJobsStorage__accountName) or CLOUDO_STORAGE_CONNECTION. ' +
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

async function azure(verb: string | undefined, flags: readonly string[], deps: () => AzureDeps): Promise<number> {
  if (verb === undefined || !AZURE_VERBS.includes(verb)) return usage();
  try {
    return await runAzure(verb, flags, deps());
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usage(`cloudo azure ${verb}: ${err.message}`);
  }
}

async function intake(verb: string | undefined, flags: readonly string[]): Promise<number> {
  if (verb === undefined || !INTAKE_VERBS.includes(verb)) return usage();
  try {
    return await runIntake(verb, flags, defaultIntakeDeps(loadConfig()));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usage(`cloudo intake ${verb}: ${err.message}`);
  }
}

function usage(problem?: string): number {
  if (problem) console.error(problem);
  console.error(USAGE);
  return 2;
}

// Azure sign-in failures name what was tried and how to fix it: the message is the useful part, not the stack.
const AZURE_AUTH_ERRORS = ['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError'];

function isKnown(err: unknown): err is Error {
  if (err instanceof ConfigError || err instanceof MappingValidationError || err instanceof AppError) return true;
  return err instanceof ArmError || (err instanceof Error && AZURE_AUTH_ERRORS.includes(err.name));
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(isKnown(err) ? err.message : err);
      process.exit(1);
    },
  );
}
