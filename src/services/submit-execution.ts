// Submit an execution: record it (the commit point), then queue it if queued; the Sweeper re-sends what did not go.
import type { Execution } from '../domain/execution';
import type { ExecutionStore, Logger, RunQueue, Versioned } from './ports';

export type SubmitDeps = { readonly executions: ExecutionStore; readonly queue: RunQueue; readonly log: Logger };

/**
 * Records the execution and, if queued, enqueues it. Throws (storage_unavailable) only when nothing was recorded.
 * Once recorded, the run is accepted: a failed enqueue leaves it `queued`, and the Sweeper sends its message again
 * after CLOUDO_REQUEUE_AFTER_SECONDS; answering 503 instead would have senders retry (or give up on) a run that is
 * already on its way.
 */
export async function submitExecution(deps: SubmitDeps, execution: Execution): Promise<Versioned<Execution>> {
  const created = await deps.executions.create(execution);
  if (execution.status === 'queued') await sendOrLeave(deps, execution);
  return created;
}

/** Sends the run's message; on failure says so and leaves the run to the Sweeper. Never throws. */
export async function sendOrLeave(deps: SubmitDeps, execution: Execution): Promise<void> {
  try {
    await deps.queue.enqueue(execution.worker, { v: 1, execId: execution.execId });
  } catch (err) {
    deps.log.warn(`${execution.execId} is recorded but its message was not sent; the Sweeper sends it: ${String(err)}`);
  }
}
