// One alert event for one mapping: recorded once (the run, or the skip) under the event's idempotency key.
import type { ParsedAlert } from '../../domain/alerts/alert';
import { compactKey } from '../../domain/alerts/alert';
import type { RunDecision } from '../../domain/alerts/alert-decision';
import { toLoggable } from '../../domain/alerts/alert-decision';
import { newExecution } from '../../domain/runs/execution';
import { type ExecutionStatus } from '../../domain/runs/execution-status';
import type { Mapping } from '../../domain/mappings/mapping';
import { admitExecution, deliverRecorded, type RecordingDeps } from '../runs/admitted-execution';
import type { AlertRecordStore } from '../alerts/ports';
import { CLAIM_TIMING, recordOnce, type Prepared } from '../runs/record-once';
import { buildAlertEnvironment } from '../../domain/alerts/alert-env';
import { resolveAlertParams } from '../../domain/runs/run-params';
import { NO_SEAL_KEY, toExecutionParams } from '../runs/run-parameters';

export type ClaimDeps = RecordingDeps & { readonly alerts: AlertRecordStore };

export type AlertRun = {
  readonly execId: string;
  readonly status: ExecutionStatus;
  readonly mapping: { readonly partition_key: string; readonly id: string };
  /** True when this alert event had already been recorded: the original execution is returned. */
  readonly duplicate: boolean;
  readonly reason?: string;
  /** Signed links, for a run waiting for approval. */
  readonly approvals?: { readonly approve: string; readonly reject: string };
};

/** `waitUntil`: when this delivery stops waiting for other requests recording the same event (epoch ms). */
export async function claimAlertRun(
  deps: ClaimDeps,
  item: ParsedAlert,
  m: Mapping,
  decision: RunDecision,
  waitUntil: number,
): Promise<AlertRun> {
  const key = compactKey(`${item.alert.idempotencyKey}|${m.partition}|${m.id}`);
  const mapping = { partition_key: m.partition, id: m.id };
  const { written, duplicate } = await recordOnce(deps, {
    claims: deps.alerts.claims,
    key,
    fingerprint: null,
    timing: deps.claimTiming ?? CLAIM_TIMING,
    waitUntil,
    busy: 'This alert is being recorded by another request; retry.',
    prepare: (execId, now) => prepare(deps, item, m, decision, execId, key, now),
    store: async (e) => {
      // Runs that will (or may, once approved) run need the payload for CLOUDO_ALERT_FILE.
      if (e.status === 'queued' || e.status === 'pending_approval')
        await deps.alerts.putPayload(e.execId, JSON.stringify(item.payload));
    },
  });
  const e = written.value;
  if (duplicate) return { execId: e.execId, status: e.status, mapping, duplicate: true };
  deps.log.info(
    `${e.status} ${e.execId}: ${m.partition}/${m.id} for alert ${toLoggable(item.alert.rule ?? item.alert.alertId)}`,
  );
  await deliverRecorded(deps.oncall, written, deps.log);
  const approvals = deps.oncall.links.approvals(e);
  return {
    execId: e.execId,
    status: e.status,
    mapping,
    duplicate: false,
    ...(e.error ? { reason: e.error } : {}),
    ...(approvals ? { approvals } : {}),
  };
}

// The execution as admission shapes it; an alert claimed but not acted on is recorded as skipped, with why.
async function prepare(
  deps: ClaimDeps,
  item: ParsedAlert,
  m: Mapping,
  decision: RunDecision,
  execId: string,
  key: string,
  now: Date,
): Promise<Prepared> {
  const base = {
    execId,
    mapping: m,
    trigger: item.alert.source,
    now,
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    alert: { context: item.alert, idempotencyKey: key },
    requestedBy: `alert:${item.alert.source}`,
  };
  const params = decision.run ? alertParams(deps, m, item, execId) : null;
  const skipReason = !decision.run ? decision.reason : params?.ok === false ? params.reason : null;
  if (skipReason !== null)
    return { execution: newExecution({ ...base, admission: { status: 'skipped', reason: skipReason } }) };
  const withParams = params?.ok && params.value ? { ...base, params: params.value } : base;
  return admitExecution(deps.oncall, withParams, item.alert.resource.id);
}

// Parameters filled from the alert: a value the alert lacks or that fails its check skips the run, with why.
function alertParams(deps: ClaimDeps, m: Mapping, item: ParsedAlert, execId: string) {
  if (Object.keys(m.params).length === 0) return { ok: true as const, value: undefined };
  const resolved = resolveAlertParams(m.params, buildAlertEnvironment(item.alert));
  if (!resolved.ok) return { ok: false as const, reason: resolved.reason };
  try {
    return { ok: true as const, value: toExecutionParams(m, resolved.params, execId, deps.sealKey) };
  } catch {
    return { ok: false as const, reason: `parameters: the mapping ${NO_SEAL_KEY}` };
  }
}
