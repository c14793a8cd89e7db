// Overview: how the last hours went (runs by status, failure rate), what waits or is stuck now, poison queues,
// unmatched alerts and owed pages; every count bounded, read from indexes, never a scan of the history.
import type { ListedExecution } from '../../domain/runs/execution';
import type { ExecutionStatus } from '../../domain/runs/execution-status';
import { isUndelivered } from '../../domain/oncall/notification';
import { nextRedeliveryStep } from '../../domain/runs/redelivery';
import { RUN_LEASE_SECONDS } from '../../domain/runs/run-lease';
import type { AlertRecordStore } from '../alerts/ports';
import type { HealthReport } from '../health/check-health';
import type { ExecutionStore } from '../runs/ports';
import { isLost } from '../runs/sweep-executions';
import type { Clock } from '../shared/ports';
import type { PoisonCensus, RunCensus } from './ports';

export type OverviewDeps = {
  readonly census: RunCensus;
  readonly poison: PoisonCensus;
  readonly alerts: Pick<AlertRecordStore, 'countUnmatchedSince'>;
  readonly executions: ExecutionStore;
  readonly health: () => Promise<HealthReport>;
  readonly clock: Clock;
  /** The Sweeper's own allowances, so "stuck" here is what the Sweeper would act on. */
  readonly killGraceSeconds: number;
  readonly slackSeconds: number;
  readonly requeueAfterSeconds: number;
};

export type Overview = {
  readonly since: string;
  readonly runs: {
    readonly total: number;
    readonly byStatus: Partial<Record<ExecutionStatus, number>>;
    readonly failureRate: number;
    readonly capped: boolean;
  };
  readonly waitingApproval: number;
  readonly throttled: number;
  readonly skipped: number;
  readonly stuck: number;
  readonly poisonMessages: { readonly total: number; readonly queues: { name: string; count: number }[] };
  readonly unmatchedAlerts: number;
  readonly health: Pick<HealthReport, 'tables' | 'queues'>;
  readonly oncall: { readonly owed: number; readonly failing: number; readonly oldestOwedAt: string | null };
};

/** Rows read for the window's runs and unmatched alerts; beyond it the answer says `capped`. */
export const WINDOW_CAP = 5000;
// Live work is small: the runs looked at for stuck ones, and those owing a page.
const LIVE_CAP = 500;
const FAILED: readonly ExecutionStatus[] = ['failed', 'timed_out', 'error'];
const RAN: readonly ExecutionStatus[] = ['succeeded', ...FAILED];

export async function readOverview(deps: OverviewDeps, hours: number): Promise<Overview> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - hours * 3600_000);
  const [window, approvals, stuck, poison, unmatched, health, oncall] = await Promise.all([
    deps.census.statusesSince(since, WINDOW_CAP),
    deps.census.countWithStatus('pending_approval', WINDOW_CAP),
    countStuck(deps, now),
    deps.poison.depths(),
    deps.alerts.countUnmatchedSince(since, WINDOW_CAP),
    deps.health(),
    owedPages(deps),
  ]);
  const n = (s: ExecutionStatus) => window.byStatus[s] ?? 0;
  const ran = RAN.reduce((sum, s) => sum + n(s), 0);
  const failed = FAILED.reduce((sum, s) => sum + n(s), 0);
  return {
    since: since.toISOString(),
    runs: {
      total: Object.values(window.byStatus).reduce((sum, c) => sum + c, 0),
      byStatus: window.byStatus,
      failureRate: ran === 0 ? 0 : Math.round((failed / ran) * 10_000) / 10_000,
      capped: window.capped,
    },
    waitingApproval: approvals.count,
    throttled: n('throttled'),
    skipped: n('skipped'),
    stuck,
    poisonMessages: { total: poison.reduce((sum, q) => sum + q.count, 0), queues: poison },
    unmatchedAlerts: unmatched.count,
    health: { tables: health.tables, queues: health.queues },
    oncall,
  };
}

/** Running past its lease (or timeout), or queued past the Sweeper's wait: what its next sweep ends or sends again. */
export async function countStuck(deps: OverviewDeps, now: Date): Promise<number> {
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const [running, queued] = await Promise.all([
    deps.executions.list({ status: 'running', until: ago(RUN_LEASE_SECONDS), limit: LIVE_CAP }),
    deps.executions.list({ status: 'queued', until: ago(deps.requeueAfterSeconds), limit: LIVE_CAP }),
  ]);
  const lost = running.items.filter((e) => isLost(deps, e, now));
  // A run in line for a concurrency slot waits by design, however long.
  const stranded = queued.items.filter(
    (e) => !e.waiting && nextRedeliveryStep(e, now, deps.requeueAfterSeconds).kind !== 'wait',
  );
  return lost.length + stranded.length;
}

/** Notifications (pages, closes, chat messages) not yet delivered: pending or failing and retried. */
export async function owedPages(deps: OverviewDeps): Promise<Overview['oncall']> {
  const page = await deps.executions.list({ owesNotification: true, limit: LIVE_CAP });
  const owed = page.items.flatMap((e: ListedExecution) => (e.notifications ?? []).filter(isUndelivered));
  const oldest = owed.map((n) => n.createdAt).sort()[0] ?? null;
  return { owed: owed.length, failing: owed.filter((n) => n.state === 'failing').length, oldestOwedAt: oldest };
}
