// Sweep: an execution still `running` long after its deadline lost its worker; record that instead of waiting forever.
import { onFinish, withNotifications, type Channels } from '../domain/notify-plan';
import { deliverOwed, type DeliverDeps } from './deliver-notifications';
import { replaceKeepingOutbox } from './replace-keeping-outbox';
import { finishExecution, type Execution } from '../domain/execution';
import type { AlertRecordStore, Clock, ExecutionStore, Logger } from './ports';

export type SweepDeps = {
  readonly executions: ExecutionStore;
  readonly alerts: AlertRecordStore;
  /** Sender payloads and unmatched-alert records older than this are deleted. */
  readonly retentionDays: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** Beyond timeout + kill grace, how long a run may still be finishing its bookkeeping. */
  readonly slackSeconds: number;
  readonly killGraceSeconds: number;
  /** A lost run of an on-call mapping is a failure like any other: it pages. */
  readonly channels: (partition: string) => Channels;
  readonly deliver: DeliverDeps;
};

const PAGE = 200;
const MAX_PAGES = 10;

export async function sweepLostExecutions(deps: SweepDeps): Promise<number> {
  const now = deps.clock.now();
  let swept = 0;
  let afterExecId: string | undefined;
  // The running index holds only in-flight work, so this reads a handful of rows, not history.
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await deps.executions.list({
      status: 'running',
      limit: PAGE,
      ...(afterExecId ? { afterExecId } : {}),
    });
    for (const e of result.items) if (isLost(deps, e, now) && (await markLost(deps, e.execId, now))) swept++;
    afterExecId = result.lastExecId;
    if (!afterExecId) break;
  }
  return swept;
}

function isLost(deps: SweepDeps, e: Execution, now: Date): boolean {
  if (!e.startedAt) return false;
  const allowedMs = (e.timeoutSeconds + deps.killGraceSeconds + deps.slackSeconds) * 1000;
  return now.getTime() - Date.parse(e.startedAt) > allowedMs;
}

async function markLost(deps: SweepDeps, execId: string, now: Date): Promise<boolean> {
  const current = await deps.executions.get(execId);
  if (!current || current.value.status !== 'running') return false;
  const ended = finishExecution(
    current.value,
    {
      status: 'error',
      error: 'worker lost: no result was recorded within the timeout; the runbook may or may not have completed',
      exitCode: null,
      signal: null,
    },
    now,
  );
  const lost = withNotifications(ended, onFinish(ended, deps.channels(ended.partition), false, now));
  // Conditional: if the worker records its result at the last moment, its result wins.
  const written = await replaceKeepingOutbox(deps.executions, lost, current);
  if (!written) return false;
  deps.log.warn(`${execId}: marked error, worker lost (started ${current.value.startedAt})`);
  await deliverOwed(deps.deliver, written, 0);
  return true;
}

const PRUNE_BATCH = 500;

/** Retention: sender data is kept for `retentionDays`, then deleted, a bounded batch per sweep. */
export async function pruneExpired(deps: SweepDeps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.retentionDays * 86_400_000);
  const deleted = await deps.alerts.pruneBefore(cutoff, PRUNE_BATCH);
  if (deleted > 0)
    deps.log.info(`pruned ${deleted} alert payload(s) and unmatched record(s) older than ${cutoff.toISOString()}`);
  return deleted;
}
