// Lost runs: the Sweeper's guess that a running run's worker is gone, and the worker's real result replacing it.
import { isUndelivered } from '../oncall/notification';
import { withoutSealed, type Execution, type RunResult } from './execution';

/** Why the Sweeper ended a run it found `running` whose worker stopped renewing its lease. */
export const WORKER_LOST =
  'worker lost: its worker stopped renewing the run; the runbook may or may not have run, or completed';

/** A run the Sweeper gave up on as lost, whose worker was in fact alive: its real result replaces the guess. */
export function isMarkedLost(e: Execution): boolean {
  return e.status === 'error' && e.error === WORKER_LOST && e.startedAt !== undefined;
}

/**
 * The worker's result over the Sweeper's "worker lost": the run did end, and this is how. The guess goes whole: its
 * error, and the page it still owes (the caller plans the pages the real result calls for).
 */
export function correctLostExecution(e: Execution, result: RunResult, now: Date): Execution {
  if (!isMarkedLost(e)) throw new Error(`execution ${e.execId}: only a run marked lost can be corrected`);
  const superseded = `superseded: the worker recorded the run's result (${result.status})`;
  const notifications = e.notifications?.map((n) =>
    isUndelivered(n) ? { ...n, state: 'failed' as const, lastError: superseded } : n,
  );
  return withoutSealed({ ...e, ...result, error: result.error, finishedAt: now.toISOString(), notifications });
}
