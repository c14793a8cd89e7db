// Sweep: runs that can no longer end by themselves (a lost worker, a lost message) are ended or sent again.
import { onFinish, withNotifications, type Channels } from '../../domain/oncall/notify-plan';
import { deliverOwed, type DeliverDeps } from '../oncall/deliver-notifications';
import { replaceKeepingOutbox } from './replace-keeping-outbox';
import { endUnrun, type Execution, type ListedExecution } from '../../domain/runs/execution';
import { WORKER_LOST } from '../../domain/runs/lost-run';
import { isLeaseOver, RUN_LEASE_SECONDS } from '../../domain/runs/run-lease';
import type { AlertRecordStore } from '../alerts/ports';
import type { ConcurrencyStore } from '../concurrency/ports';
import type { AuditLog } from '../audit/ports';
import { releaseIfOver } from '../concurrency/run-slots';
import type { ExecutionStore, IndexUpgrade, RunQueue } from './ports';
import { forEachWithStatus, type SweepCursors } from './status-walk';
import type { Clock, Logger, Versioned } from '../shared/ports';

export type SweepDeps = {
  readonly executions: ExecutionStore;
  readonly alerts: AlertRecordStore;
  readonly queue: RunQueue;
  /** Sender payloads and unmatched-alert records older than this are deleted. */
  readonly retentionDays: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** Beyond timeout + kill grace, how long a run may still be finishing its bookkeeping. */
  readonly slackSeconds: number;
  readonly killGraceSeconds: number;
  /** How long a queued run waits for a worker before its message is sent again (then 2×, 4×…). */
  readonly requeueAfterSeconds: number;
  /** The worker pools whose poison queues this app drains. */
  readonly pools: readonly string[];
  /** A lost run of an on-call mapping is a failure like any other: it pages. */
  readonly channels: (partition: string) => Channels;
  readonly deliver: DeliverDeps;
  /** Concurrency slots: a run the Sweeper ends gives its slot back. */
  readonly slots: ConcurrencyStore;
  /** The audit trail, kept for its own retention (CLOUDO_AUDIT_RETENTION_DAYS), longer than executions. */
  readonly audit: AuditLog;
  readonly auditRetentionDays: number;
  /** Tables written before the index rows moved into the records' partition (ADR 0015) are moved in steps. */
  readonly indexUpgrade?: IndexUpgrade;
  /** Where each status's walk stopped when a round ended before the oldest run; kept from round to round. */
  readonly resumeAt?: SweepCursors;
};

/** Marks runs `running` whose worker stopped renewing them as `error`: it died, or never heard its claim land. */
export async function sweepLostExecutions(deps: SweepDeps): Promise<number> {
  const now = deps.clock.now();
  // A lease outlives the claim by RUN_LEASE_SECONDS at least: younger runs cannot have lost their worker yet.
  const until = new Date(now.getTime() - RUN_LEASE_SECONDS * 1000);
  const visit = async (e: ListedExecution): Promise<boolean> => {
    if (!isLost(deps, e, now)) return false;
    const current = await deps.executions.get(e.execId);
    if (current?.value.status !== 'running') return false;
    // Conditional: if the worker records its result at the last moment, its result wins.
    const ended = await endAsError(deps, current, WORKER_LOST);
    if (ended) deps.log.warn(`${e.execId}: marked error, worker lost (started ${e.startedAt ?? '?'})`);
    return ended;
  };
  return forEachWithStatus(deps.executions, 'running', until, visit, deps);
}

// A live worker renews its run's lease while the runbook runs. Runs claimed before leases existed have none: they
// are lost once past their timeout, kill grace and a slack for a slow final write.
export function isLost(
  deps: Pick<SweepDeps, 'killGraceSeconds' | 'slackSeconds'>,
  e: ListedExecution,
  now: Date,
): boolean {
  if (!e.startedAt) return false;
  if (e.leaseUntil !== undefined) return isLeaseOver(e, now);
  const allowedMs = (e.timeoutSeconds + deps.killGraceSeconds + deps.slackSeconds) * 1000;
  return now.getTime() - Date.parse(e.startedAt) > allowedMs;
}

/** Ends a run that did not (or may not have) run as `error`, paging on-call if its mapping asks; false if it moved. */
export async function endAsError(deps: SweepDeps, current: Versioned<Execution>, reason: string): Promise<boolean> {
  const now = deps.clock.now();
  const ended = endUnrun(current.value, reason, now);
  const withPages = withNotifications(ended, onFinish(ended, deps.channels(ended.partition), false, now));
  const written = await replaceKeepingOutbox(deps.executions, withPages, current);
  if (!written) return false;
  // A stranded run's slot or place in line passes to the next run; a lost worker's slot only once its run cannot be
  // running any more (see run-slots), which the next run in line finds out.
  await releaseIfOver(deps, written.value);
  await deliverOwed(deps.deliver, written, 0);
  return true;
}

const PRUNE_BATCH = 500;
const UPGRADE_BATCH = 500;

/** Moves old index rows, live runs first, so that the steps after it find every queued and running run. */
export async function upgradeIndex(deps: SweepDeps): Promise<number> {
  const moved = (await deps.indexUpgrade?.step(UPGRADE_BATCH)) ?? 0;
  if (moved > 0) deps.log.info(`moved the index rows of ${moved} execution(s) into the records' partition`);
  return moved;
}

/** Audit records past their retention are deleted, a bounded batch per sweep; younger ones are never touched. */
export async function pruneAudit(deps: SweepDeps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.auditRetentionDays * 86_400_000);
  const deleted = await deps.audit.pruneBefore(cutoff, PRUNE_BATCH);
  if (deleted > 0) deps.log.info(`pruned ${deleted} audit row(s) older than ${cutoff.toISOString()}`);
  return deleted;
}

/** Audit rows written before an upgrade are moved to the current layout, a bounded batch per sweep. */
export async function upgradeAudit(deps: SweepDeps): Promise<number> {
  const moved = await deps.audit.upgradeLayout(PRUNE_BATCH);
  if (moved > 0) deps.log.info(`moved ${moved} audit row(s) written by an earlier version to the current layout`);
  return moved;
}

/** Retention: sender data is kept for `retentionDays`, then deleted, a bounded batch per sweep. */
export async function pruneExpired(deps: SweepDeps): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.retentionDays * 86_400_000);
  const deleted = await deps.alerts.pruneBefore(cutoff, PRUNE_BATCH);
  if (deleted > 0)
    deps.log.info(`pruned ${deleted} alert payload(s) and unmatched record(s) older than ${cutoff.toISOString()}`);
  return deleted;
}
