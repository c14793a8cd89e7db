// Dry run of a manual request: the mapping, whether it would run, and the environment its runbook would get.
import { findRefusal } from '../../domain/alerts/alert-decision';
import { newExecution, type Execution } from '../../domain/runs/execution';
import {
  buildParamEnvironment,
  maskSecrets,
  resolveRequestParams,
  SECRET_MARK,
  showParams,
} from '../../domain/runs/run-params';
import { findSecretValues } from '../../domain/shared/redact';
import { buildRunbookEnvironment } from '../../domain/worker/runbook-env';
import { toMappingView, type AuthoredMappingView } from '../../domain/mappings/mapping';
import { upcomingSlots } from '../../domain/schedules/schedule';
import type { MappingStore } from '../mappings/ports';
import { findMapping, type RunRequest } from './request-run';
import { NO_SEAL_KEY } from './run-parameters';
import type { ConcurrencyStore } from '../concurrency/ports';
import { previewConcurrency, type ConcurrencyPreview } from '../concurrency/preview-concurrency';

export type PreviewDeps = {
  readonly mappings: MappingStore;
  readonly runbooksDir: string;
  readonly defaultTimeoutSeconds: number;
  /** Names of the host variables a runbook inherits; their values are never shown. */
  readonly inheritedNames: readonly string[];
  readonly mappingSource?: string;
  /** Whether secret parameters can be sealed (APPROVAL_SECRET is set): without it, a request giving one is refused. */
  readonly canSeal?: boolean;
  /** Concurrency slots, read to show who holds them now; without it, the policy alone is shown. */
  readonly slots?: ConcurrencyStore;
};

export type RunPreview = {
  readonly dryRun: true;
  readonly mapping: AuthoredMappingView;
  /** What a real request would be answered with now; budgets are not spent, so `queued` may still be throttled. */
  readonly wouldBe: 'queued' | 'pending_approval' | 'refused';
  readonly reasons: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  readonly inherited: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** Scheduled mappings: the next due slots (ISO-8601 UTC), for which it runs with `schedule_params`. */
  readonly nextScheduled?: readonly string[];
  /** Mappings with a concurrency policy: its slots now, and whether a run now would start, wait or be skipped. */
  readonly concurrency?: ConcurrencyPreview;
};

export const PLACEHOLDER_ID = '<assigned when recorded>';

/** Throws what the request would throw for its mapping and parameters (404, 400 naming params.<NAME>). */
export async function previewRun(deps: PreviewDeps, req: RunRequest): Promise<RunPreview> {
  const mapping = await findMapping(deps, req);
  const params = resolveRequestParams(mapping.id, mapping.params, req.params);
  const secretNames = Object.keys(params.secrets);
  const refused =
    findRefusal(mapping) ??
    (secretNames.length > 0 && deps.canSeal === false ? { code: 'no_key', reason: NO_SEAL_KEY } : null);
  const execution = newExecution({
    execId: PLACEHOLDER_ID,
    mapping,
    trigger: 'manual',
    now: new Date(),
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    ...(req.requestedBy ? { requestedBy: req.requestedBy } : {}),
  });
  const concurrency = await previewConcurrency(deps.slots, mapping, null);
  return {
    dryRun: true,
    mapping: toMappingView(mapping),
    wouldBe: refused ? 'refused' : mapping.requireApproval ? 'pending_approval' : 'queued',
    reasons: refused ? [`mapping ${refused.reason}`] : [],
    params: showParams(params.values, secretNames),
    inherited: deps.inheritedNames,
    environment: previewEnvironment(deps, execution, buildParamEnvironment(maskSecrets(params)), false),
    ...(mapping.schedule
      ? { nextScheduled: upcomingSlots(mapping.schedule, new Date(), 3).map((d) => d.toISOString()) }
      : {}),
    ...(concurrency ? { concurrency } : {}),
  };
}

/**
 * The function the worker uses, on a stand-in execution: what is shown is what the runbook would get, except values
 * that are never shown (secret-looking names, as redacted from output).
 */
export function previewEnvironment(
  deps: Pick<PreviewDeps, 'runbooksDir'>,
  execution: Execution,
  params: Readonly<Record<string, string>>,
  withAlertFile: boolean,
): Record<string, string> {
  const env = buildRunbookEnvironment({}, execution, deps.runbooksDir, {
    home: '<per-execution directory, deleted after the run>',
    ...(withAlertFile ? { alertFile: '<per-execution file, deleted after the run>' } : {}),
    params,
  });
  const hidden = new Set(findSecretValues(env).map((s) => s.name));
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, hidden.has(k) && v !== SECRET_MARK ? '[redacted]' : v]),
  );
}
