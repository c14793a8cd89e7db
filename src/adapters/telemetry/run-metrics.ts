// ClouDO's metrics: the instruments, their names and attributes (the contract the Terraform alert rules and the
// workbook query), and the health gauges the Sweeper samples.
import type { Meter } from '@opentelemetry/api';
import type { Execution } from '../../domain/runs/execution';
import { formatRef } from '../../domain/oncall/page-text';
import { FINAL_STATUSES } from '../../domain/runs/execution-status';
import type { HealthSample, Telemetry } from '../../services/telemetry/ports';

/** What the execution store reports: a run recorded, and a run that changed status. */
export type RunMetrics = Telemetry & {
  requested(e: Execution): void;
  transitioned(from: Execution, to: Execution): void;
};

const isFinal = (e: Execution): boolean => FINAL_STATUSES.includes(e.status);

/** `now`: the clock a sample ages by; tests pass their own. */
export function createRunMetrics(meter: Meter, now: () => number = Date.now): RunMetrics {
  const requested = meter.createCounter('cloudo.runs.requested', { description: 'Runs recorded, by outcome' });
  const finished = meter.createCounter('cloudo.runs.finished', { description: 'Runs that reached a final status' });
  const duration = meter.createHistogram('cloudo.run.duration', { unit: 'ms', description: 'Runbook run time' });
  const queueTime = meter.createHistogram('cloudo.run.queue_time', { unit: 'ms', description: 'Accept to start' });
  const http = meter.createHistogram('cloudo.http.accept_duration', { unit: 'ms', description: 'Time to answer' });
  const shed = meter.createCounter('cloudo.http.shed', { description: '429 answers: load shed' });
  const pageFailures = meter.createCounter('cloudo.pages.delivery_failures', { description: 'Failed page attempts' });
  let health: { sample: HealthSample; at: number } | undefined;
  observeHealth(meter, () => (health && now() - health.at <= HEALTH_SAMPLE_LIFE_MS ? health.sample : undefined));
  const finish = (e: Execution) => finished.add(1, { mapping: formatRef(e), trigger: e.trigger, status: e.status });
  return {
    requested(e) {
      requested.add(1, { mapping: formatRef(e), trigger: e.trigger, outcome: e.status });
      // Recorded final (throttled, skipped): it ends here, and no later write will count it.
      if (isFinal(e)) finish(e);
    },
    transitioned(from, to) {
      if (from.status === to.status) return;
      if (to.status === 'running' && to.startedAt) {
        queueTime.record(Date.parse(to.startedAt) - Date.parse(to.requestedAt), { mapping: formatRef(to) });
      }
      if (!isFinal(to)) return;
      // A final status replaced by another (the worker's result over the Sweeper's "worker lost") is the same run:
      // counted once, as it first ended; its run time, which only the worker knows, is recorded when it comes.
      if (!isFinal(from)) finish(to);
      if (to.durationMs !== undefined && from.durationMs === undefined) {
        duration.record(to.durationMs, { mapping: formatRef(to), status: to.status });
      }
    },
    responded(route, statusCode, durationMs) {
      http.record(durationMs, { route, status_code: statusCode });
      if (statusCode === 429) shed.add(1, { route });
    },
    pageDeliveryFailed: (channel) => pageFailures.add(1, { channel }),
    sampleHealth: (sample) => {
      health = { sample, at: now() };
    },
  };
}

// A Sweeper that stopped sampling (storage down, the timer stuck) leaves no rows rather than its last figures frozen:
// a frozen "oldest page owed" would never cross the alert's threshold.
const HEALTH_SAMPLE_LIFE_MS = 10 * 60_000;

// Gauges report the last sample when read; before the first one (or once it is stale) they report nothing rather
// than a made-up zero.
function observeHealth(meter: Meter, latest: () => HealthSample | undefined): void {
  const gauge = (name: string, description: string, read: (h: HealthSample) => number) =>
    meter.createObservableGauge(name, { description }).addCallback((result) => {
      const h = latest();
      if (h) result.observe(read(h));
    });
  gauge('cloudo.pages.owed', 'Pages not delivered yet', (h) => h.pagesOwed);
  gauge('cloudo.pages.oldest_owed_seconds', 'Age of the oldest page owed', (h) => h.oldestOwedSeconds);
  gauge('cloudo.approvals.waiting', 'Runs waiting for approval', (h) => h.approvalsWaiting);
  gauge('cloudo.runs.overdue', 'Runs the Sweeper would call stuck', (h) => h.runsOverdue);
  meter
    .createObservableGauge('cloudo.queue.poison_messages', { description: 'Messages in poison queues' })
    .addCallback((result) => latest()?.poison.forEach((q) => result.observe(q.count, { queue: q.queue })));
}
