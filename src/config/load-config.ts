// Settings: the only reader of process.env; validates every ClouDO setting with zod and explains what is wrong.
import path from 'node:path';
import { z } from 'zod';
import { hasIdentitySettings, resolveStorage, type StorageTarget } from './storage-settings';
import { queueNameForPool } from '../domain/runs/run-message';
import { findIntakeClashes } from './queue-settings';
import { oncallSchema, checkTeamKeys, toOncallConfig, type OncallConfig } from './oncall-settings';
import { authSchema, toAuthConfig, type AuthConfig } from './auth-settings';
import { telemetrySchema, toTelemetryConfig, type TelemetryConfig } from './telemetry-settings';
import {
  DEFAULT_ENV_ALLOW,
  list,
  runbookEnvAllowSchema,
  runbookIdentitySchema,
  toRunbookIdentity,
  type RunbookIdentityConfig,
} from './runbook-env-settings';
import { parseNcrontab } from '../domain/shared/ncrontab';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const base = z.object({
  PORT: int(0, 65535).default(7071),
  CLOUDO_RUNBOOKS_DIR: z.string().min(1).default('runbooks'),
  CLOUDO_SCHEMAS_DIR: z.string().min(1).default('schemas'),
  CLOUDO_STORAGE_CONNECTION: z.string().min(1).optional(),
  AzureWebJobsStorage: z.string().min(1).optional(),
  CLOUDO_MAPPINGS_TABLE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'a table name: 3-63 letters or digits')
    .default('CloudoMappings'),
  CLOUDO_EXECUTIONS_TABLE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'a table name: 3-63 letters or digits')
    .default('CloudoExecutions'),
  // 24 + a 32-character pool + "-poison" stays within the 63 characters a queue name may have.
  CLOUDO_QUEUE_PREFIX: z
    .string()
    .regex(/^(?!.*--)[a-z0-9][a-z0-9-]{1,23}$/, '2-24 lower-case letters, digits and single dashes')
    .default('cloudo-'),
  // Where other services drop run requests; default <prefix>requests. 3-56 characters leave room for "-poison".
  CLOUDO_INTAKE_QUEUE: z
    .string()
    .regex(
      /^(?!.*--)[a-z0-9][a-z0-9-]{1,54}[a-z0-9]$/,
      'a queue name: 3-56 lower-case letters, digits and single dashes',
    )
    .optional(),
  CLOUDO_WORKER_POOLS: list
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/)).min(1))
    .default(['Runbook']),
  CLOUDO_DEFAULT_TIMEOUT_SECONDS: int(1, 3600).default(300),
  CLOUDO_KILL_GRACE_SECONDS: int(1, 300).default(10),
  CLOUDO_MAX_OUTPUT_BYTES: int(1024, 384 * 1024).default(256 * 1024),
  CLOUDO_RUNBOOK_ENV_ALLOW: runbookEnvAllowSchema,
  CLOUDO_BASH: z.string().min(1).default('bash'),
  CLOUDO_PYTHON: z.string().min(1).default('python3'),
  // Whom a root worker runs runbooks as: a uid or a user in /etc/passwd; unset, `nobody` (see domain/run-user.ts).
  CLOUDO_RUNBOOK_USER: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/, 'a uid or a user name')
    .optional(),
  CLOUDO_RETENTION_DAYS: int(1, 3650).default(30),
  // NCRONTAB (six fields, or five firing at second 0), UTC: how often the Sweeper looks for lost and stranded runs.
  CLOUDO_SWEEP_SCHEDULE: z
    .string()
    .refine(isSchedule, 'an NCRONTAB expression, e.g. "0 * * * * *" (every minute)')
    .default('0 * * * * *'),
  // NCRONTAB, UTC: how often the Scheduler looks for due slots of scheduled mappings; its period is their resolution.
  CLOUDO_SCHEDULER_SCHEDULE: z
    .string()
    .refine(isSchedule, 'an NCRONTAB expression, e.g. "*/5 * * * * *" (every 5 seconds)')
    .default('*/5 * * * * *'),
  // A run still queued this long after its message was sent is sent again (then after 2×, 4×…; see domain/redelivery).
  CLOUDO_REQUEUE_AFTER_SECONDS: int(1, 86_400).default(120),
  // Trigger requests doing accept work at once, per instance; beyond it they wait their turn (see below).
  CLOUDO_ACCEPT_CONCURRENCY: int(1, 1000).default(32),
  // How long a trigger request waits for its turn before it is answered 429 with Retry-After, having recorded nothing.
  CLOUDO_ACCEPT_WAIT_MS: int(0, 8000).default(2000),
  CLOUDO_LOCAL_STORAGE: z.enum(['disk', 'memory']).default('disk'),
  CLOUDO_LOCAL_DATA_DIR: z.string().min(1).default('.cloudo-local'),
});
const schema = base
  .extend(oncallSchema.shape)
  .extend(runbookIdentitySchema.shape)
  .extend(authSchema.shape)
  .extend(telemetrySchema.shape);

export type CloudoConfig = {
  readonly port: number;
  readonly runbooksDir: string;
  readonly schemasDir: string;
  /** Connection string of the storage account, when one is configured. */
  readonly storageConnection: string | undefined;
  /** The storage account: by connection string or by identity; undefined locally, where Azurite is started. */
  readonly storage: StorageTarget | undefined;
  /** The app setting that holds it: queue triggers name it as their `connection`. */
  readonly storageSetting: 'CLOUDO_STORAGE_CONNECTION' | 'AzureWebJobsStorage';
  readonly mappingsTable: string;
  readonly executionsTable: string;
  readonly queuePrefix: string;
  /** The queue run requests arrive on, besides /api/Trigger. */
  readonly intakeQueue: string;
  readonly workerPools: readonly string[];
  readonly defaultTimeoutSeconds: number;
  readonly killGraceSeconds: number;
  readonly maxOutputBytes: number;
  /** The inherited part of a runbook's environment: allow-listed names that are set here. */
  readonly runbookBaseEnv: Readonly<Record<string, string>>;
  readonly bash: string;
  readonly python: string;
  /** CLOUDO_RUNBOOK_USER as set: resolved against /etc/passwd at start-up (runner-wiring). */
  readonly runbookUser: string | undefined;
  /** The identity runbooks act as through ClouDO's token broker (CLOUDO_RUNBOOK_CLIENT_ID), never ClouDO's own. */
  readonly runbookIdentity: RunbookIdentityConfig;
  /** Days to keep alert payloads and unmatched-alert records. */
  readonly retentionDays: number;
  /** When the Sweeper runs (NCRONTAB, UTC). */
  readonly sweepSchedule: string;
  readonly schedulerSchedule: string;
  /** How long a queued run waits for a worker before its message is sent again. */
  readonly requeueAfterSeconds: number;
  /** Load shedding of /api/Trigger: requests accepted at once, and how long others wait before a 429. */
  readonly accept: { readonly concurrency: number; readonly maxWaitMs: number };
  readonly localStorage: 'disk' | 'memory';
  readonly localDataDir: string;
  readonly oncall: OncallConfig;
  /** Sign-in, the audit trail's retention, the app version. */
  readonly auth: AuthConfig;
  /** Where traces and metrics go, and whether /api/metrics answers. */
  readonly telemetry: TelemetryConfig;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses settings from an environment; tests pass their own, production passes process.env. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): CloudoConfig {
  const parsed = schema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid ClouDO settings:\n${lines.join('\n')}`);
  }
  const s = parsed.data;
  const present = withoutBlanks(env);
  // CLOUDO_STORAGE_CONNECTION wins when it is set at all; a half-set one is an error, not a silent fallback.
  const storageSetting =
    s.CLOUDO_STORAGE_CONNECTION || hasIdentitySettings('CLOUDO_STORAGE_CONNECTION', present)
      ? 'CLOUDO_STORAGE_CONNECTION'
      : 'AzureWebJobsStorage';
  const storage = resolveStorage(storageSetting, present);
  const intakeQueue = s.CLOUDO_INTAKE_QUEUE ?? queueNameForPool(s.CLOUDO_QUEUE_PREFIX, 'requests');
  const problems = [
    ...checkTeamKeys(env),
    ...(storage.ok ? [] : storage.problems),
    ...findIntakeClashes(s.CLOUDO_QUEUE_PREFIX, s.CLOUDO_WORKER_POOLS, intakeQueue),
  ];
  if (problems.length > 0 || !storage.ok) throw new ConfigError(`Invalid ClouDO settings:\n${problems.join('\n')}`);
  return {
    port: s.PORT,
    runbooksDir: path.resolve(cwd, s.CLOUDO_RUNBOOKS_DIR),
    schemasDir: path.resolve(cwd, s.CLOUDO_SCHEMAS_DIR),
    storageConnection: storage.target?.kind === 'connection-string' ? storage.target.connectionString : undefined,
    storage: storage.target,
    storageSetting,
    mappingsTable: s.CLOUDO_MAPPINGS_TABLE,
    executionsTable: s.CLOUDO_EXECUTIONS_TABLE,
    queuePrefix: s.CLOUDO_QUEUE_PREFIX,
    intakeQueue,
    workerPools: s.CLOUDO_WORKER_POOLS,
    defaultTimeoutSeconds: s.CLOUDO_DEFAULT_TIMEOUT_SECONDS,
    killGraceSeconds: s.CLOUDO_KILL_GRACE_SECONDS,
    maxOutputBytes: s.CLOUDO_MAX_OUTPUT_BYTES,
    runbookBaseEnv: pickEnv(env, [...DEFAULT_ENV_ALLOW, ...s.CLOUDO_RUNBOOK_ENV_ALLOW]),
    bash: s.CLOUDO_BASH,
    python: s.CLOUDO_PYTHON,
    runbookUser: s.CLOUDO_RUNBOOK_USER,
    runbookIdentity: toRunbookIdentity(s, present),
    retentionDays: s.CLOUDO_RETENTION_DAYS,
    sweepSchedule: s.CLOUDO_SWEEP_SCHEDULE,
    schedulerSchedule: s.CLOUDO_SCHEDULER_SCHEDULE,
    requeueAfterSeconds: s.CLOUDO_REQUEUE_AFTER_SECONDS,
    accept: { concurrency: s.CLOUDO_ACCEPT_CONCURRENCY, maxWaitMs: s.CLOUDO_ACCEPT_WAIT_MS },
    localStorage: s.CLOUDO_LOCAL_STORAGE,
    localDataDir: path.resolve(cwd, s.CLOUDO_LOCAL_DATA_DIR),
    oncall: toOncallConfig(s, withoutBlanks(env)),
    auth: toAuthConfig(s),
    telemetry: toTelemetryConfig(s),
  };
}

/** Every setting name the schema reads (plus OPSGENIE_API_KEY_<P> and identity-connection settings, see known-settings). */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

/** Reads one app setting by name, for `%SETTING%` binding expressions. */
export function readSetting(name: string, env: Env = process.env): string | undefined {
  return env[name];
}

function isSchedule(expression: string): boolean {
  try {
    parseNcrontab(expression);
    return true;
  } catch {
    return false;
  }
}

function withoutBlanks(env: Env): Record<string, string> {
  // An empty setting means "use the default", as in App Service configuration.
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v;
  return out;
}

function pickEnv(env: Env, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
