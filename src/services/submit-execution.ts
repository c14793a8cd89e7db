// Submit an execution: record it, then queue it if queued; if the queue refuses, take the record back unless a worker has it.
import type { Execution } from '../domain/execution';
import type { ExecutionStore, Logger, RunQueue, Versioned } from './ports';

export type SubmitDeps = { readonly executions: ExecutionStore; readonly queue: RunQueue; readonly log: Logger };

/** Records the execution and, if queued, enqueues it. Throws (storage_unavailable) with nothing left behind. */
export async function submitExecution(deps: SubmitDeps, execution: Execution): Promise<Versioned<Execution>> {
  const created = await deps.executions.create(execution);
  if (execution.status !== 'queued') return created;
  try {
    await deps.queue.enqueue(execution.worker, { v: 1, execId: execution.execId });
  } catch (err) {
    // A worker that already claimed the run proves the message got through despite the error.
    if (!(await undoCreate(deps, created))) return created;
    throw err;
  }
  return created;
}

// The caller is told 503 and will retry, so the record must not stay behind as a run that never happens.
// Returns false when the record moved on: the enqueue did land and a worker has it.
async function undoCreate(deps: SubmitDeps, created: Versioned<Execution>): Promise<boolean> {
  try {
    return await deps.executions.removeIfUnchanged(created);
  } catch (err) {
    deps.log.error(`could not remove ${created.value.execId} after a failed enqueue; it stays queued: ${String(err)}`);
    return true;
  }
}
