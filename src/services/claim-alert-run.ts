// One alert event for one mapping: claim its key atomically, record the run (or the skip), then commit the key.
import type { ParsedAlert } from '../domain/alert';
import { compactKey } from '../domain/alert';
import type { RunDecision } from '../domain/alert-decision';
import { loggable } from '../domain/alert-decision';
import { AppError } from '../domain/errors';
import { newExecId } from '../domain/exec-id';
import { newExecution, type Execution, type ExecutionStatus } from '../domain/execution';
import type { Mapping } from '../domain/mapping';
import type { AlertRecordStore, Clock, ExecutionStore, Logger, RunQueue } from './ports';
import { submitExecution } from './submit-execution';

export type ClaimDeps = {
  readonly executions: ExecutionStore;
  readonly alerts: AlertRecordStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultTimeoutSeconds: number;
};

export type AlertRun = {
  readonly execId: string;
  readonly status: ExecutionStatus;
  readonly mapping: { readonly partition_key: string; readonly id: string };
  /** True when this alert event had already been recorded: the original execution is returned. */
  readonly duplicate: boolean;
  readonly reason?: string;
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
  const execution = newExecution({
    execId,
    mapping: m,
    trigger: item.alert.source,
    now,
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    alert: { context: item.alert, idempotencyKey: key },
    ...(decision.run ? {} : { skippedBecause: decision.reason }),
  });
  await record(deps, key, execution, item.payload);
  deps.log.info(
    `${execution.status} ${execId}: ${m.partition}/${m.id} for alert ${loggable(item.alert.rule ?? item.alert.alertId)}`,
  );
  return {
    execId,
    status: execution.status,
    mapping,
    duplicate: false,
    ...(decision.run ? {} : { reason: decision.reason }),
  };
}

async function record(deps: ClaimDeps, key: string, execution: Execution, payload: unknown): Promise<void> {
  try {
    if (execution.status === 'queued') await deps.alerts.putPayload(execution.execId, JSON.stringify(payload));
    await submitExecution(deps, execution);
  } catch (err) {
    // Free the key so the sender's retry records the run; if even that fails, the claim goes stale and is taken over.
    await deps.alerts.releaseKey(key, execution.execId).catch(() => undefined);
    throw err;
  }
  // The run is recorded; a commit that fails only delays duplicates until the claim is adopted as stale.
  await deps.alerts
    .commitKey(key, execution.execId)
    .catch((err: unknown) => deps.log.warn(`commit failed: ${String(err)}`));
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
