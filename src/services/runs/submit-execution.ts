// Submit an execution: record it (the commit point), then queue it if queued; the Sweeper re-sends what did not go.
import { alreadyExists, AppError, isAlreadyExists, isWriteOutcomeUnknown } from '../../domain/shared/errors';
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
  /** How long an insert whose answer was lost is read back while storage cannot say; tests shorten it. */
  readonly landedWaitMs?: number;
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
  const created = await createOrFindOwn(deps, execution);
  if (created.value.status === 'queued') await sendOrLeave(deps, created.value);
  return created;
}

/**
 * The storage client retries an insert whose answer it lost (a timeout, a reset): the retry then finds the record
 * its first try wrote. That record is this one (same request time), recorded once, so the run is accepted, not
 * refused with a 409 while it waits to run. A record another request wrote under this id (a take-over of an
 * idempotency claim, see record-once) is not ours: alreadyExists is thrown for the caller to settle.
 */
async function createOrFindOwn(deps: SubmitDeps, execution: Execution): Promise<Versioned<Execution>> {
  const store = deps.executions;
  try {
    return await store.create(execution);
  } catch (err) {
    if (isWriteOutcomeUnknown(err)) return readBack(deps, execution, err);
    if (!isAlreadyExists(err)) throw err;
    const found = await store.get(execution.execId);
    if (found?.value.requestedAt !== execution.requestedAt) throw err;
    return found;
  }
}

// The caller waits anyway: a table back within this (a restart, a failover) gets a true answer, not a guess.
const LANDED_WAIT_MS = 20_000;

/**
 * An insert that storage may have taken, its answer lost: a 503 would tell the caller nothing was recorded while
 * the Sweeper sends the record it wrote, so the record is read back, again while storage cannot say. Ours: the run
 * is accepted. Missing: nothing was recorded, and the 503 is true. Still unknown: the 503 names the run to look up.
 */
async function readBack(deps: SubmitDeps, execution: Execution, err: unknown): Promise<Versioned<Execution>> {
  const { execId, requestedAt } = execution;
  const until = Date.now() + (deps.landedWaitMs ?? LANDED_WAIT_MS);
  // Short pauses: a refused read already takes the client's own retries, and the caller should hear from us soon
  // after storage is back.
  for (let pauseMs = 100; ; pauseMs = Math.min(pauseMs * 2, 500)) {
    const found = await deps.executions.get(execId).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'storage_unavailable') return 'unknown' as const;
      throw e;
    });
    // Nothing recorded: the 503 is true.
    if (found === null) throw err;
    if (found !== 'unknown') {
      // Written under this id by another request (an idempotency claim taken over, see record-once): not ours.
      if (found.value.requestedAt !== requestedAt) throw alreadyExists(`Execution ${execId} exists already.`);
      deps.log.warn(`${execId}: its insert's answer was lost, but the record landed; accepted`);
      return found;
    }
    if (Date.now() + pauseMs > until) throw notKnownYet(execId, err);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

function notKnownYet(execId: string, cause: unknown): AppError {
  const message =
    `Storage failed while recording run ${execId}, and cannot say yet whether it was recorded. ` +
    `GET /api/logs/${execId} tells once storage is back (404: it was not).`;
  return new AppError('storage_unavailable', message, { execId }, { cause });
}

/** Sends the run's message; on failure says so and leaves the run to the Sweeper. Never throws. */
export async function sendOrLeave(deps: SubmitDeps, execution: Execution): Promise<void> {
  try {
    await deps.queue.enqueue(execution.worker, { v: 1, execId: execution.execId });
  } catch (err) {
    deps.log.warn(`${execution.execId} is recorded but its message was not sent; the Sweeper sends it: ${String(err)}`);
  }
}
