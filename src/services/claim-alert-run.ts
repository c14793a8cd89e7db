// One alert event for one mapping: claim its key atomically, record the run (or the skip), then commit the key.
import type { ParsedAlert } from '../domain/alert';
import { compactKey } from '../domain/alert';
import type { RunDecision } from '../domain/alert-decision';
import { loggable } from '../domain/alert-decision';
import { AppError } from '../domain/errors';
import { newExecId } from '../domain/exec-id';
import { newExecution, type Execution } from '../domain/execution';
import { type ExecutionStatus } from '../domain/execution-status';
import type { Mapping } from '../domain/mapping';
import { admittedExecution, deliverRecorded, type OncallDeps } from './admitted-execution';
import type { AlertRecordStore, Clock, ExecutionStore, Logger, RunQueue, Versioned } from './ports';
import { submitExecution } from './submit-execution';

export type ClaimDeps = {
  readonly executions: ExecutionStore;
  readonly alerts: AlertRecordStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultTimeoutSeconds: number;
  readonly oncall: OncallDeps;
};

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

const busy = () => new AppError('busy', 'This alert is being recorded by another request; retry.');

export async function claimAlertRun(deps: ClaimDeps, item: ParsedAlert, m: Mapping, decision: RunDecision) {
  const key = compactKey(`${item.alert.idempotencyKey}|${m.partition}|${m.id}`);
  const now = deps.clock.now();
  const execId = newExecId(now);
  const mapping = { partition_key: m.partition, id: m.id };
  const claim = await deps.alerts.claimKey(key, execId, now);
  if (claim.kind === 'committed') return answerDuplicate(deps, claim.execId, mapping);
  if (claim.kind === 'pending') {
    // A live claimant may still fail and undo its work: "done" is not ours to say yet.
    if (!claim.stale) throw busy();
    const adopted = await adoptStale(deps, key, claim.execId, mapping);
    if (adopted) return adopted;
    if (!(await deps.alerts.takeOverKey(key, claim.execId, execId, now))) throw busy();
  }
  const written = await record(deps, key, execId, item.payload, () =>
    prepare(deps, item, m, decision, execId, key, now),
  );
  const e = written.value;
  deps.log.info(
    `${e.status} ${execId}: ${m.partition}/${m.id} for alert ${loggable(item.alert.rule ?? item.alert.alertId)}`,
  );
  await deliverRecorded(deps.oncall, written, deps.log);
  const approvals = deps.oncall.links.approvals(e);
  return {
    execId,
    status: e.status,
    mapping,
    duplicate: false,
    ...(e.error ? { reason: e.error } : {}),
    ...(approvals ? { approvals } : {}),
  };
}

// The execution as admission shapes it; an alert claimed but not acted on is recorded as skipped, with why.
function prepare(
  deps: ClaimDeps,
  item: ParsedAlert,
  m: Mapping,
  decision: RunDecision,
  execId: string,
  key: string,
  now: Date,
): Prepared | Promise<Prepared> {
  const base = {
    execId,
    mapping: m,
    trigger: item.alert.source,
    now,
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    alert: { context: item.alert, idempotencyKey: key },
    requestedBy: `alert:${item.alert.source}`,
  };
  if (decision.run) return admittedExecution(deps.oncall, base, item.alert.resource.id);
  return { execution: newExecution({ ...base, admission: { status: 'skipped', reason: decision.reason } }) };
}

type Prepared = { readonly execution: Execution; readonly release?: () => Promise<void> };

async function record(
  deps: ClaimDeps,
  key: string,
  execId: string,
  payload: unknown,
  prepare: () => Prepared | Promise<Prepared>,
): Promise<Versioned<Execution>> {
  let prepared: Prepared | undefined;
  let written: Versioned<Execution>;
  try {
    prepared = await prepare();
    const { execution } = prepared;
    // Runs that will (or may, once approved) run need the payload for CLOUDO_ALERT_FILE.
    if (execution.status === 'queued' || execution.status === 'pending_approval')
      await deps.alerts.putPayload(execution.execId, JSON.stringify(payload));
    written = await submitExecution(deps, execution);
  } catch (err) {
    // Free the key so the sender's retry records the run; if even that fails, the claim goes stale and is taken over.
    await prepared?.release?.().catch(() => undefined);
    await deps.alerts.releaseKey(key, execId).catch(() => undefined);
    throw err;
  }
  // The run is recorded; a commit that fails only delays duplicates until the claim is adopted as stale.
  await deps.alerts
    .commitKey(key, written.value.execId)
    .catch((err: unknown) => deps.log.warn(`commit failed: ${String(err)}`));
  return written;
}

/** A stale claim whose execution exists was recorded by a request that died before committing: finish its job. */
async function adoptStale(deps: ClaimDeps, key: string, execId: string, mapping: AlertRun['mapping']) {
  const existing = await deps.executions.get(execId);
  if (!existing) return null;
  // Its enqueue may never have happened; a second message is harmless, the worker's claim runs it once.
  if (existing.value.status === 'queued') await deps.queue.enqueue(existing.value.worker, { v: 1, execId });
  await deps.alerts.commitKey(key, execId);
  return { execId, status: existing.value.status, mapping, duplicate: true } satisfies AlertRun;
}

async function answerDuplicate(deps: ClaimDeps, execId: string, mapping: AlertRun['mapping']): Promise<AlertRun> {
  const existing = await deps.executions.get(execId);
  if (!existing) throw busy();
  return { execId, status: existing.value.status, mapping, duplicate: true };
}
