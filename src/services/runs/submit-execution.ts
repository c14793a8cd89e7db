// Submit an execution: record it (the commit point), then queue it if queued; the Sweeper re-sends what did not go.
import { isAlreadyExists } from '../../domain/shared/errors';
import type { Execution } from '../../domain/runs/execution';
import type { ExecutionStore, RunQueue } from './ports';
import type { Logger, Versioned } from '../shared/ports';
import type { RequestOrigin } from '../../domain/audit/audit-record';
import type { AuditDeps } from '../audit/audit-trail';
import { auditRunRequested } from '../audit/run-requested';

export type SubmitDeps = {
  readonly executions: ExecutionStore;
  readonly queue: RunQueue;
  readonly log: Logger;
  /** The audit trail: a run is audited before it is recorded, so none is recorded unaudited. */
  readonly audit?: AuditDeps;
};

/**
 * Records the execution and, if queued, enqueues it. Throws (storage_unavailable) only when nothing was recorded.
 * Once recorded, the run is accepted: a failed enqueue leaves it `queued`, and the Sweeper sends its message again
 * after CLOUDO_REQUEUE_AFTER_SECONDS; answering 503 instead would have senders retry (or give up on) a run that is
 * already on its way.
 */
export async function submitExecution(
  deps: SubmitDeps,
  execution: Execution,
  origin?: RequestOrigin,
): Promise<Versioned<Execution>> {
  if (deps.audit) await auditRunRequested(deps.audit, execution, origin);
  const created = await createOrFindOwn(deps.executions, execution);
  if (created.value.status === 'queued') await sendOrLeave(deps, created.value);
  return created;
}

/**
 * The storage client retries an insert whose answer it lost (a timeout, a reset): the retry then finds the record
 * its first try wrote. That record is this one (same request time), recorded once, so the run is accepted, not
 * refused with a 409 while it waits to run. A record another request wrote under this id (a take-over of an
 * idempotency claim, see record-once) is not ours: alreadyExists is thrown for the caller to settle.
 */
async function createOrFindOwn(store: ExecutionStore, execution: Execution): Promise<Versioned<Execution>> {
  try {
    return await store.create(execution);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const found = await store.get(execution.execId);
    if (found?.value.requestedAt !== execution.requestedAt) throw err;
    return found;
  }
}

/** Sends the run's message; on failure says so and leaves the run to the Sweeper. Never throws. */
export async function sendOrLeave(deps: SubmitDeps, execution: Execution): Promise<void> {
  try {
    await deps.queue.enqueue(execution.worker, { v: 1, execId: execution.execId });
  } catch (err) {
    deps.log.warn(`${execution.execId} is recorded but its message was not sent; the Sweeper sends it: ${String(err)}`);
  }
}
