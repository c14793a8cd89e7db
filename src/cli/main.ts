#!/usr/bin/env node
// ClouDO command line: dispatches `cloudo <group> <verb> [flags]` (see help.ts) and turns known errors into one line.
import path from 'node:path';
import { ArmError } from '../adapters/azure/arm-requests';
import { ApiError } from '../adapters/operator/cloudo-api';
import { writeMappingJsonSchema } from '../adapters/mappings/schema-files';
import { createAdminServices, type AdminServices } from '../composition/admin-wiring';
import { ConfigError, loadConfig, type CloudoConfig } from '../config/load-config';
import { AppError } from '../domain/shared/errors';
import { buildMappingJsonSchema } from '../domain/mappings/mapping-json-schema';
import { MappingValidationError } from '../services/mappings/apply-mappings';
import { createAzureDeps, runAzure } from './azure-commands';
import type { AzureDeps } from './azure-deps';
import { UsageError } from './cli-args';
import { GROUPS, listVerbs, renderCommandHelp, renderMainHelp, VERSION } from './help';
import { createIntakeDeps, runIntake } from './intake-commands';
import { OPERATOR_COMMANDS, runOperator } from './operator-commands';
import { createProcessIo } from './operator-session';
import { UnexpectedAnswer } from './read-answer';

type Verb = (config: CloudoConfig, admin: AdminServices, flags: readonly string[]) => Promise<number>;

const VERBS: Readonly<Record<string, { flags: readonly string[]; run: Verb }>> = {
  check: { flags: [], run: check },
  apply: { flags: ['--prune'], run: apply },
  jsonschema: { flags: ['--write'], run: jsonschema },
};

const HELP = ['--help', '-h'];

/** `azureDeps` is for tests; the azure verbs otherwise reach Azure and the app for real. */
export async function runCli(argv: readonly string[], azureDeps?: () => AzureDeps): Promise<number> {
  const [group, verb, ...flags] = argv;
  if (group === undefined || HELP.includes(group) || group === 'help') return help(renderMainHelp());
  if (group === '--version' || group === '-v') return help(VERSION);
  if (OPERATOR_COMMANDS.includes(group))
    return operate(
      group,
      [verb, ...flags].filter((a) => a !== undefined),
    );
  if (!GROUPS.includes(group)) return usageError(`unknown command "${group.slice(0, 40)}"`, 'cloudo --help');
  if (verb === undefined || HELP.includes(verb)) {
    if (verb !== undefined) return help(renderCommandHelp(group));
    return usageError(`cloudo ${group} needs a command: ${listVerbs(group).join(', ')}`, `cloudo ${group} --help`);
  }
  if (!listVerbs(group).includes(verb)) {
    return usageError(`unknown command "${group} ${verb.slice(0, 40)}"`, `cloudo ${group} --help`);
  }
  if (flags.some((f) => HELP.includes(f))) return help(renderCommandHelp(group, verb));
  if (group === 'azure') return azure(verb, flags, azureDeps ?? createAzureDeps);
  if (group === 'intake') return intake(verb, flags);
  const command = VERBS[verb];
  if (!command) throw new Error(`help lists "schemas ${verb}", which the CLI does not run`);
  const unknown = flags.find((f) => !command.flags.includes(f));
  if (unknown !== undefined) return usageError(`unknown flag ${unknown.slice(0, 40)}`, `cloudo schemas ${verb} --help`);
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
  // Whoever holds the storage credentials applies: the audit names the account they are logged in as.
  const actor = {
    kind: 'person' as const,
    id: `cli:${config.auth.localUser}`,
    name: `${config.auth.localUser} (cloudo schemas apply)`,
  };
  const report = await admin.apply(mappings, flags.includes('--prune'), actor);
  console.log(`applied ${report.upserted} mappings; pruned ${report.pruned}`);
  if (report.stale.length > 0 && report.pruned === 0) {
    console.log(`stored but not in files (use --prune to remove): ${report.stale.join(', ')}`);
  }
  return 0;
}

async function jsonschema(config: CloudoConfig, _admin: AdminServices, flags: readonly string[]): Promise<number> {
  const text = `${JSON.stringify(buildMappingJsonSchema(), null, 2)}\n`;
  if (flags.includes('--write')) console.log(`wrote ${await writeMappingJsonSchema(config.schemasDir, text)}`);
  else process.stdout.write(text);
  return 0;
}

async function azure(verb: string, flags: readonly string[], deps: () => AzureDeps): Promise<number> {
  try {
    return await runAzure(verb, flags, deps());
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageError(`cloudo azure ${verb}: ${err.message}`, `cloudo azure ${verb} --help`);
  }
}

async function operate(command: string, args: readonly string[]): Promise<number> {
  if (args.some((a) => HELP.includes(a))) return help(renderCommandHelp(command));
  try {
    return await runOperator(command, args, createProcessIo());
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageError(`cloudo ${command}: ${err.message}`, `cloudo ${command} --help`);
  }
}

async function intake(verb: string, flags: readonly string[]): Promise<number> {
  try {
    return await runIntake(verb, flags, () => createIntakeDeps(loadConfig()));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageError(`cloudo intake ${verb}: ${err.message}`, `cloudo intake ${verb} --help`);
  }
}

// Asked-for help goes to stdout and succeeds; a command line that cannot run says why on stderr and exits 2.
function help(text: string): number {
  console.log(text);
  return 0;
}

function usageError(problem: string, see: string): number {
  console.error(`${problem}\nsee '${see}'`);
  return 2;
}

// Azure sign-in failures name what was tried and how to fix it: the message is the useful part, not the stack.
const AZURE_AUTH_ERRORS = ['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError'];

function isKnown(err: unknown): err is Error {
  if (err instanceof ConfigError || err instanceof MappingValidationError || err instanceof AppError) return true;
  if (err instanceof ApiError || err instanceof UnexpectedAnswer) return true;
  return err instanceof ArmError || (err instanceof Error && AZURE_AUTH_ERRORS.includes(err.name));
}

// An API error names the field at fault, as the API does.
const describeKnown = (err: Error): string =>
  err instanceof ApiError && err.field ? `${err.message} (${err.field})` : err.message;

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(isKnown(err) ? describeKnown(err) : err);
      process.exit(1);
    },
  );
}
