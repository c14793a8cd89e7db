// Settings catalog: every app setting ClouDO reads, with its area, default and one line saying what it does.
// docs/configuration.md's tables are generated from it (npm run docs:config); a test keeps it equal to config's list.

export type SettingArea =
  'storage' | 'queues' | 'runbooks' | 'delivery' | 'oncall' | 'approvals' | 'access' | 'telemetry' | 'local';

export type SettingEntry = {
  /** The setting's name; `<…>` marks a family, e.g. one setting per partition or per storage connection. */
  readonly name: string;
  readonly area: SettingArea;
  /** The default as the docs show it: a value in backticks, or words such as "unset". */
  readonly default: string;
  /** One line; longer explanations go in the prose of docs/configuration.md. */
  readonly description: string;
};

/** The areas in the order the docs show them, with their headings. */
export const SETTING_AREAS: readonly { readonly area: SettingArea; readonly title: string }[] = [
  { area: 'storage', title: 'Storage' },
  { area: 'queues', title: 'Queues and worker pools' },
  { area: 'runbooks', title: 'Runbooks' },
  { area: 'delivery', title: 'Delivery, retention and load' },
  { area: 'oncall', title: 'On-call and chat' },
  { area: 'approvals', title: 'Approvals and links' },
  { area: 'access', title: 'Sign-in, roles and audit' },
  { area: 'telemetry', title: 'Telemetry' },
  { area: 'local', title: 'Local runtime' },
];

/** Suffixes of an identity-based storage connection; `<setting>` is AzureWebJobsStorage or CLOUDO_STORAGE_CONNECTION. */
export const STORAGE_CONNECTION_FAMILY = '<setting>';
/** The per-partition Opsgenie key: `<PARTITION>` is the partition key upper-cased, `-` and `.` as `_`. */
export const PARTITION_KEY_FAMILY = 'OPSGENIE_API_KEY_<PARTITION>';

/** A maker of entries for one area, so the catalog reads as a list of names, defaults and descriptions. */
function inArea(area: SettingArea) {
  return (name: string, defaultText: string, description: string): SettingEntry => ({
    name,
    area,
    default: defaultText,
    description,
  });
}
const storage = inArea('storage');
const queues = inArea('queues');
const runbooks = inArea('runbooks');
const delivery = inArea('delivery');
const oncall = inArea('oncall');
const approvals = inArea('approvals');
const access = inArea('access');
const telemetry = inArea('telemetry');
const local = inArea('local');

export const SETTINGS_CATALOG: readonly SettingEntry[] = [
  storage(
    'CLOUDO_STORAGE_CONNECTION',
    'unset',
    'The storage account: a connection string, or its `__` settings below.',
  ),
  storage('AzureWebJobsStorage', 'unset', 'Used when `CLOUDO_STORAGE_CONNECTION` is unset; neither: embedded Azurite.'),
  storage('<setting>__accountName', 'unset', 'Identity-based connection: the storage account name.'),
  storage('<setting>__tableServiceUri', 'unset', 'The table service URL (https, no path); overrides the account name.'),
  storage('<setting>__queueServiceUri', 'unset', 'The queue service URL, likewise.'),
  storage('<setting>__blobServiceUri', 'unset', 'Read by the Functions host only (keys, timer locks).'),
  storage('<setting>__credential', 'unset', '`managedidentity`, or unset for `DefaultAzureCredential`.'),
  storage('<setting>__clientId', 'unset', 'Client id of a user-assigned managed identity.'),
  storage('CLOUDO_MAPPINGS_TABLE', '`CloudoMappings`', 'Table of mappings (3-63 letters or digits, a letter first).'),
  storage('CLOUDO_EXECUTIONS_TABLE', '`CloudoExecutions`', 'Table of execution records.'),
  queues('CLOUDO_QUEUE_PREFIX', '`cloudo-`', 'Prefix of queue names: 2-24 lower-case letters, digits, single dashes.'),
  queues('CLOUDO_INTAKE_QUEUE', '`<prefix>requests`', 'The intake queue run requests arrive on; 3-56 characters.'),
  queues('CLOUDO_WORKER_POOLS', '`Runbook`', 'Comma-separated worker pools this app consumes.'),
  runbooks('CLOUDO_RUNBOOKS_DIR', '`runbooks`', 'Directory of the runbooks, and their working directory.'),
  runbooks('CLOUDO_SCHEMAS_DIR', '`schemas`', 'Directory of the mapping files (`npm start`, `cloudo schemas`).'),
  runbooks('CLOUDO_DEFAULT_TIMEOUT_SECONDS', '`300`', 'Timeout of mappings without `timeout` (1-3600).'),
  runbooks('CLOUDO_KILL_GRACE_SECONDS', '`10`', 'Time from SIGTERM to SIGKILL once a runbook times out (1-300).'),
  runbooks(
    'CLOUDO_MAX_OUTPUT_BYTES',
    '`262144` (256 KiB)',
    'Output kept per run (1024-393216); beyond it, head and tail.',
  ),
  runbooks(
    'CLOUDO_RUNBOOK_ENV_ALLOW',
    'empty',
    'Comma-separated host variables passed to runbooks, beyond the default.',
  ),
  runbooks('CLOUDO_RUNBOOK_CLIENT_ID', 'unset', 'Client id of the identity runbooks act as; unset: none.'),
  runbooks('CLOUDO_RUNBOOK_USER', 'unset', 'Whom runbooks run as when ClouDO is root; unset: `nobody`.'),
  runbooks('CLOUDO_BASH', '`bash`', 'Interpreter of `.sh` runbooks (a name on `PATH` or an absolute path).'),
  runbooks('CLOUDO_PYTHON', '`python3`', 'Interpreter of `.py` runbooks.'),
  delivery(
    'CLOUDO_SWEEP_SCHEDULE',
    '`0 * * * * *`',
    'When the `Sweeper` runs: NCRONTAB (six fields with seconds, or five), UTC.',
  ),
  delivery(
    'CLOUDO_SCHEDULER_SCHEDULE',
    '`*/5 * * * * *`',
    'When the `Scheduler` looks for due slots: NCRONTAB, UTC; the resolution of `schedule`.',
  ),
  delivery('CLOUDO_REQUEUE_AFTER_SECONDS', '`120`', 'A run `queued` this long gets a new message (1-86400).'),
  delivery('CLOUDO_RETENTION_DAYS', '`30`', 'Days to keep alert payloads, rejected messages, request keys (1-3650).'),
  delivery('CLOUDO_ACCEPT_CONCURRENCY', '`32`', 'Triggers doing accept work at once, per instance (1-1000).'),
  delivery('CLOUDO_ACCEPT_WAIT_MS', '`2000`', 'How long a trigger waits for its turn before a 429 (0-8000).'),
  oncall('OPSGENIE_API_KEY', 'unset', 'Opsgenie or JSM Ops API key for partitions without their own. A credential.'),
  oncall(PARTITION_KEY_FAMILY, 'unset', 'The key of one partition, e.g. `OPSGENIE_API_KEY_TEAM_A`. A credential.'),
  oncall('OPSGENIE_API_URL', '`https://api.opsgenie.com`', 'Alert API base URL: Opsgenie US, EU, or JSM Ops.'),
  oncall(
    'CLOUDO_CHAT_WEBHOOK_URL',
    'unset',
    'Slack or Teams incoming webhook for failures and approvals. A credential.',
  ),
  oncall('CLOUDO_CHAT_FORMAT', '`slack`', '`slack` (`{"text": …}`) or `teams` (an Adaptive Card).'),
  oncall('CLOUDO_NOTIFY_TIMEOUT_SECONDS', '`4`', 'Timeout of each request to Opsgenie or the chat webhook (1-20).'),
  approvals(
    'APPROVAL_SECRET',
    'unset',
    'Signs approval links, seals secret run parameters; 32+ characters. A credential.',
  ),
  approvals('APPROVAL_TTL_MIN', '`60`', 'Minutes an approval link works (1-10080); then the run is `expired`.'),
  approvals(
    'CLOUDO_PUBLIC_URL',
    '`https://$WEBSITE_HOSTNAME`',
    'Base of the links in pages, chat messages and answers.',
  ),
  approvals('WEBSITE_HOSTNAME', 'set by Azure', "The app's default host name, which App Service sets."),
  access('CLOUDO_AUTH', '`keys`', '`keys`: every route takes a function key; `easy-auth`: Entra sign-in for people.'),
  access('CLOUDO_AUDIT_RETENTION_DAYS', '`400`', 'Days to keep the audit trail (1-3650).'),
  access('CLOUDO_APP_VERSION', 'the package version', 'What exactly runs, recorded on every run: e.g. the image tag.'),
  telemetry(
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
    'set by Azure',
    'Traces and metrics go to this Application Insights; unset: none leave.',
  ),
  telemetry(
    'CLOUDO_METRICS_ENDPOINT',
    'off on Azure, on locally',
    '`on`: `GET /api/metrics` answers (Prometheus text).',
  ),
  local(
    'CLOUDO_LOCAL_AUTH',
    '`local-admin`',
    '`local-admin`: every caller is you; `principal-header`: trust `X-MS-CLIENT-PRINCIPAL`.',
  ),
  local('USER', 'unset', 'The name the local runtime records for its callers in `local-admin` mode.'),
  local('PORT', '`7071`', 'Port of the local runtime (`npm start`); 0 picks a free one.'),
  local('CLOUDO_LOCAL_STORAGE', '`disk`', 'Embedded Azurite: `disk` keeps data, `memory` keeps nothing.'),
  local(
    'CLOUDO_LOCAL_DATA_DIR',
    '`.cloudo-local`',
    'Where the embedded Azurite keeps its data; one runtime at a time.',
  ),
];
