// Mapping files' schema: what an author may write in schemas/*.json, validated with zod and read as the seed writes it.
import { z } from 'zod';
import { aksClusterSchema } from '../worker/aks-target';
import { alertMatchSchema, RUN_ON } from '../alerts/alert-match';
import { BUDGET_ACTIONS, runBudgetSchema } from '../budgets/budget';
import { pagingSchema } from '../oncall/paging';
import { splitRunArgs } from '../worker/run-args';
import { checkRunbookName } from '../worker/runbook-name';
import { paramsSchema } from './param-spec';
import { scheduleSchema } from '../schedules/schedule';
import { concurrencySchema } from '../concurrency/concurrency';
import { mappingAccessSchema } from '../identity/mapping-access';
import { checkScheduleParams } from '../schedules/schedule-params';

export const MAX_TIMEOUT_SECONDS = 3600;

// The seed writes booleans as "true"/"false" strings; accept both spellings.
const boolish = z
  .union([z.boolean(), z.string().regex(/^(true|false)$/i, 'expected true or false')])
  .transform((v) => (typeof v === 'boolean' ? v : v.toLowerCase() === 'true'));

const duration = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(s|m|h)?$/, 'expected seconds (300) or a duration such as "90s", "5m", "1h"'),
  ])
  .transform(toSeconds)
  .refine(
    (s) => s >= 1 && s <= MAX_TIMEOUT_SECONDS,
    `must be between 1 second and ${MAX_TIMEOUT_SECONDS / 60} minutes`,
  );

// Table keys may not hold / \ # ? or control characters; matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const keyText = /^[^/\\#?\u0000-\u001f\u007f-\u009f]+$/;

/** A mapping id or partition as it arrives in a request: the same rules as in mapping files. */
export const mappingKeySchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(256, 'at most 256 characters')
  .regex(keyText, 'may not contain / \\ # ? or control characters');
const runbookPath = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_./-]+\.(sh|py)$/;
// The names ClouDO sets from an alert and for itself; a mapping may not shadow them.
const reservedEnv =
  /^(CLOUDO_|RESOURCE_|AKS_|ALERT_|MONITOR_CONDITION$|SEVERITY$|SIGNAL_TYPE$|FIRED_AT$|RESOLVED_AT$|PATH$|HOME$)/;
const envName = /^[A-Z_][A-Z0-9_]{0,63}$/;
// Not reserved in general: a mapping without aks_login may well point a runbook at its own kubeconfig.
const AKS_LOGIN_ENV = ['KUBECONFIG', 'AZURE_CONFIG_DIR'];

export const mappingEntitySchema = z
  .strictObject({
    id: mappingKeySchema,
    name: z.string().trim().min(1).max(256),
    description: z.string().max(2000).default(''),
    runbook: z
      .string()
      .max(256)
      .regex(runbookPath, 'a .sh or .py file inside the runbooks directory, e.g. "check_sys.sh"')
      .superRefine((name, ctx) => {
        // The pattern is what editors check; the worker's own rules are the last word. One message per problem.
        if (!runbookPath.test(name)) return;
        const checked = checkRunbookName(name);
        if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
      }),
    run_args: z
      .string()
      .max(4096)
      .default('')
      .superRefine((s, ctx) => {
        const split = splitRunArgs(s);
        if (!split.ok) ctx.addIssue({ code: 'custom', message: split.message });
      }),
    worker: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'a worker pool name: letters, digits, _ and -')
      .default('Runbook'),
    oncall: boolish.default(false),
    require_approval: boolish.default(false),
    timeout: duration.optional(),
    enabled: boolish.default(true),
    env: z
      .record(
        z.string(),
        z
          .string()
          .max(4096)
          .refine((v) => !v.includes('\u0000'), 'may not contain NUL'),
      )
      .default({})
      .superRefine((env, ctx) => {
        // The whole map is stored as one table property (64 KiB), so it is bounded here, where the file is named.
        if (Object.keys(env).length > 64) ctx.addIssue({ code: 'custom', message: 'at most 64 variables' });
        if (JSON.stringify(env).length > 16_000)
          ctx.addIssue({ code: 'custom', message: 'at most 16,000 characters in all' });
        for (const key of Object.keys(env)) {
          const problem = !envName.test(key)
            ? 'upper-case letters, digits and _'
            : reservedEnv.test(key)
              ? 'reserved by ClouDO'
              : null;
          if (problem) ctx.addIssue({ code: 'custom', path: [key], message: `variable name ${problem}` });
        }
      }),
    match: alertMatchSchema.optional(),
    run_on: z.enum(RUN_ON).default('fired'),
    four_eyes: boolish.default(false),
    max_runs: runBudgetSchema.optional(),
    on_budget_exceeded: z.enum(BUDGET_ACTIONS).default('throttle'),
    opsgenie: pagingSchema.optional(),
    aks_login: boolish
      .default(false)
      .describe('Log in to an AKS cluster with the managed identity first; the runbook gets KUBECONFIG.'),
    aks_cluster: aksClusterSchema.optional(),
    params: paramsSchema.default({}),
    schedule: scheduleSchema.optional(),
    schedule_params: z.record(z.string(), z.unknown()).optional(),
    catch_up: boolish.default(false),
    concurrency: concurrencySchema.optional(),
    access: mappingAccessSchema.optional(),
  })
  .superRefine(checkScheduleParams)
  .superRefine((m, ctx) => {
    // With aks_login on, ClouDO sets these for the run; a mapping value would be silently replaced.
    if (!m.aks_login) return;
    for (const key of AKS_LOGIN_ENV.filter((k) => Object.hasOwn(m.env, k)))
      ctx.addIssue({ code: 'custom', path: ['env', key], message: 'set by ClouDO when aks_login is on' });
  })
  .describe('One runbook mapping.');

/** A partition_key, in files and in the Trigger route: never the reserved "~id" index partition. */
export const partitionKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . and -, at most 64');

export const mappingDocumentSchema = z
  .array(
    z.strictObject({
      partition_key: partitionKeySchema,
      entity: z.array(mappingEntitySchema),
    }),
  )
  .describe('A ClouDO mapping file: partitions of runbook mappings.');

function toSeconds(v: number | string): number {
  if (typeof v === 'number') return v;
  const n = Number.parseInt(v, 10);
  if (v.endsWith('h')) return n * 3600;
  if (v.endsWith('m')) return n * 60;
  return n;
}
