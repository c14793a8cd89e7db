// Health gauges: what waits, is stuck or is owed right now, sampled by the Sweeper every run, so the metrics (and the
// alert rules on them) exist even where nobody opens the overview.
import type { HealthSample, Telemetry } from '../telemetry/ports';
import { countStuck, owedPages, WINDOW_CAP, type OverviewDeps } from './read-overview';

export async function sampleHealth(deps: OverviewDeps, telemetry: Pick<Telemetry, 'sampleHealth'>) {
  const now = deps.clock.now();
  const [approvals, stuck, poison, oncall] = await Promise.all([
    deps.census.countWithStatus('pending_approval', WINDOW_CAP),
    countStuck(deps, now),
    deps.poison.depths(),
    owedPages(deps),
  ]);
  const oldest = oncall.oldestOwedAt ? Math.max(0, (now.getTime() - Date.parse(oncall.oldestOwedAt)) / 1000) : 0;
  const sample: HealthSample = {
    pagesOwed: oncall.owed,
    oldestOwedSeconds: Math.round(oldest),
    approvalsWaiting: approvals.count,
    runsOverdue: stuck,
    poison: poison.map((q) => ({ queue: q.name, count: q.count })),
  };
  telemetry.sampleHealth(sample);
  return sample;
}
