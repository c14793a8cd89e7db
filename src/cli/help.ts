// CLI help: the usage of every command, printed by `cloudo --help`, `cloudo <group> --help` and `<command> --help`.
import packageJson from '../../package.json';

export const VERSION: string = packageJson.version;

type CommandHelp = { readonly usage: string; readonly summary: string; readonly details: readonly string[] };

const SETTINGS = 'Settings come from the environment (see docs/configuration.md).';
const AZURE_SIGN_IN = 'Azure calls sign in with DefaultAzureCredential (az login, managed or workload identity).';

const COMMANDS: Readonly<Record<string, Readonly<Record<string, CommandHelp>>>> = {
  schemas: {
    check: {
      usage: 'cloudo schemas check',
      summary: 'validate the mapping files in CLOUDO_SCHEMAS_DIR and find their runbooks',
      details: ['Exits 1 naming the file, entry and field of every problem.', SETTINGS],
    },
    apply: {
      usage: 'cloudo schemas apply [--prune]',
      summary: 'upsert the mapping files into the configured storage',
      details: ['--prune  also remove stored mappings that are in no file', SETTINGS],
    },
    jsonschema: {
      usage: 'cloudo schemas jsonschema [--write]',
      summary: 'print the JSON Schema of mapping files',
      details: ['--write  write it to <CLOUDO_SCHEMAS_DIR>/mapping.schema.json instead'],
    },
  },
  azure: {
    verify: {
      usage:
        'cloudo azure verify --subscription <id> --resource-group <rg> --action-group <name> --app-url <https://app>\n' +
        '                    [--function-key <key>] [--test [--wait-seconds 120] [--alert-type metricstaticthreshold]]',
      summary: "check that an action group's webhook reaches <app>/api/Trigger with a key and the common alert schema",
      details: ['--test  send a test alert through the action group and wait for the app to see it', AZURE_SIGN_IN],
    },
    attach: {
      usage: 'cloudo azure attach --rule <alert rule id> --action-group-id <action group id>',
      summary: 'add the action group to a metric, log search or activity log alert rule',
      details: [AZURE_SIGN_IN],
    },
  },
  intake: {
    status: {
      usage: 'cloudo intake status [--limit 20]',
      summary: 'intake and poison queue depths, then the newest rejected messages',
      details: [SETTINGS],
    },
    replay: {
      usage: 'cloudo intake replay [--max 32] [--dry-run]',
      summary: 'move messages from <intake queue>-poison back to the intake queue',
      details: ['--dry-run  only show them', SETTINGS],
    },
  },
};

const TARGET =
  'Against CLOUDO_URL (default http://localhost:7071, or --url) with the function key from CLOUDO_KEY, --key - (stdin) or --key @<file>, and with sign-in on, the token in CLOUDO_TOKEN; --json prints the API answer.';

function decisionHelp(action: 'approve' | 'reject'): CommandHelp {
  return {
    usage: `cloudo ${action} <execId or approval link> [--as <name>] [--json]`,
    summary: `${action} a run waiting for approval`,
    details: ['--as  who decides, when not signed in (default: your login name)', TARGET],
  };
}

/** The operator's commands: one word each, against a running ClouDO. */
const OPERATOR: Readonly<Record<string, CommandHelp>> = {
  run: {
    usage: 'cloudo run <mapping id> [--partition <p>] [--param NAME=value …] [--dry-run] [--wait] [--follow] [--json]',
    summary: 'request a run; --wait for its end, --follow its output (exit code = its outcome)',
    details: [
      '--param NAME=value  a run parameter (repeat for more); integers and true/false as text',
      '--dry-run  check the parameters and show the environment the runbook would get; runs nothing',
      '--wait     wait for the run to end; --follow also prints its output as it comes',
      "Exit codes with --wait/--follow: 0 succeeded, the runbook's own when failed, 124 timed_out, 130 cancelled,",
      '3 did not run (error, rejected, expired, skipped, throttled). Ctrl-C stops waiting, not the run.',
      TARGET,
    ],
  },
  logs: {
    usage:
      'cloudo logs [--status <s>] [--mapping <id>] [--limit 20] [--json]\n       cloudo logs <execId> [--follow] [--json]',
    summary: "recent executions as a table, or one execution's fields and output (--follow: as it comes)",
    details: [
      'Fields go to stderr and the output to stdout, so `cloudo logs <id> > out.txt` keeps the output.',
      TARGET,
    ],
  },
  cancel: {
    usage: 'cloudo cancel <execId> [--reason <text>] [--json]',
    summary: 'stop a run: at once if it has not started, its process group if it runs',
    details: [TARGET],
  },
  schedules: {
    usage: 'cloudo schedules [--json]',
    summary: 'scheduled mappings: expression, zone, next due time, last run',
    details: [TARGET],
  },
  audit: {
    usage:
      'cloudo audit [--since <iso>] [--until <iso>] [--actor <id>] [--action <a>] [--mapping <p/id>] [--limit n] [--json]',
    summary: 'the audit trail, newest first (Admins see all of it, others their own records)',
    details: [TARGET],
  },
  approve: decisionHelp('approve'),
  reject: decisionHelp('reject'),
};

export const GROUPS: readonly string[] = Object.keys(COMMANDS);

/** The verbs of a command group, e.g. `check`, `apply`, `jsonschema` for `schemas`. */
export const listVerbs = (group: string): readonly string[] => Object.keys(COMMANDS[group] ?? {});

/** `cloudo --help`: every command in one line each. */
export function renderMainHelp(): string {
  const lines = [
    ...Object.entries(OPERATOR).map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`),
    ...GROUPS.flatMap(listCommands),
  ];
  return [
    `ClouDO ${VERSION}: runbook automation on Azure Functions.`,
    '',
    'usage: cloudo <command> [flags]',
    '',
    'commands:',
    ...lines,
    '',
    "Run 'cloudo <command> --help' for a command's flags, 'cloudo --version' for the version.",
    'The local runtime is `npm start`; the docs are in docs/ (README.md has the map).',
  ].join('\n');
}

/** `cloudo <group> --help`, or `cloudo <group> <verb> --help` when the verb is known. */
export function renderCommandHelp(group: string, verb?: string): string {
  const operator = OPERATOR[group];
  if (operator) return [`usage: ${operator.usage}`, '', operator.summary, '', ...operator.details].join('\n');
  const verbs = COMMANDS[group] ?? {};
  const one = verb === undefined ? undefined : verbs[verb];
  if (one) return [`usage: ${one.usage}`, '', one.summary, '', ...one.details].join('\n');
  return [`usage: cloudo ${group} <${Object.keys(verbs).join('|')}> [flags]`, '', ...listCommands(group)].join('\n');
}

function listCommands(group: string): string[] {
  return Object.entries(COMMANDS[group] ?? {}).map(([verb, c]) => `  ${`${group} ${verb}`.padEnd(18)} ${c.summary}`);
}
