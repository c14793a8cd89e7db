// Run metrics on the real OpenTelemetry SDK: every run counted once as finished, whichever way it ends, and health
// gauges that stop reporting once the Sweeper stops sampling.
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createRunMetrics } from '../../../src/adapters/telemetry/run-metrics';
import { endUnrun, finishExecution, newExecution, startExecution } from '../../../src/domain/runs/execution';
import { correctLostExecution, WORKER_LOST } from '../../../src/domain/runs/lost-run';
import { sampleMapping } from '../../support/fixtures';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const T0 = new Date('2026-12-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const run = (execId: string, admission?: Parameters<typeof newExecution>[0]['admission']) =>
  newExecution({
    execId,
    mapping: sampleMapping({ partition: 'p', id: 'm' }),
    trigger: 'manual',
    now: T0,
    defaultTimeoutSeconds: 60,
    ...(admission ? { admission } : {}),
  });

// Delta, as the Azure Monitor exporter reads gauges: only what was observed in the interval is sent.
function setUp(now: () => number = Date.now) {
  const reader = new TestReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  const metrics = createRunMetrics(new MeterProvider({ readers: [reader] }).getMeter('test'), now);
  /** One collection: the interval's data points, by metric name. */
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) =>
      (all.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<unknown>[];
    const finished = Object.fromEntries(
      points('cloudo.runs.finished').map((p) => [String(p.attributes['status']), p.value]),
    );
    return { points, finished };
  };
  return { metrics, collect };
}

describe('run metrics', () => {
  it('counts a run recorded throttled or skipped as finished, once', async () => {
    const { metrics, collect } = setUp();
    const budget = { count: 1, windowSeconds: 3600, per: 'mapping', recent: [] } as const;
    metrics.requested(run('a', { status: 'throttled', reason: 'budget spent', budget }));
    metrics.requested(run('b', { status: 'skipped', reason: 'run_on' }));
    metrics.requested(run('c'));
    expect((await collect()).finished).toEqual({ throttled: 1, skipped: 1 });
  });

  it('counts a run the Sweeper called lost once, though the worker then records its real result', async () => {
    const { metrics, collect } = setUp();
    const queued = run('d');
    const running = startExecution(queued, at(1));
    const lost = endUnrun(running, WORKER_LOST, at(200));
    const result = { status: 'succeeded', exitCode: 0, signal: null, durationMs: 250_000 } as const;
    const corrected = correctLostExecution(lost, result, at(251));
    metrics.transitioned(queued, running);
    metrics.transitioned(running, lost);
    metrics.transitioned(lost, corrected);
    const { finished, points } = await collect();
    expect(finished).toEqual({ error: 1 });
    // The run time is the worker's: recorded once, when it comes.
    expect(points('cloudo.run.duration').map((p) => (p.value as { count: number }).count)).toEqual([1]);
  });

  it('counts a run that ends normally once, with its run time', async () => {
    const { metrics, collect } = setUp();
    const running = startExecution(run('e'), at(1));
    const failed = finishExecution(running, { status: 'failed', exitCode: 3, signal: null, durationMs: 5 }, at(2));
    metrics.transitioned(run('e'), running);
    metrics.transitioned(running, failed);
    // A later write that keeps the status (a page delivered) counts nothing.
    metrics.transitioned(failed, { ...failed, notifications: [] });
    const { finished, points } = await collect();
    expect(finished).toEqual({ failed: 1 });
    expect(points('cloudo.run.duration').length).toBe(1);
  });

  it('reports the health gauges from a fresh sample only, so a stopped Sweeper leaves no rows', async () => {
    let now = T0.getTime();
    const { metrics, collect } = setUp(() => now);
    const owed = async () => (await collect()).points('cloudo.pages.owed').map((p) => p.value);
    const sample = { pagesOwed: 2, oldestOwedSeconds: 30, approvalsWaiting: 1, runsOverdue: 0, poison: [] };
    expect(await owed()).toEqual([]);
    metrics.sampleHealth(sample);
    now += 5 * 60_000;
    expect(await owed()).toEqual([2]);
    // The Sweeper stopped: no figure rather than a frozen one.
    now += 10 * 60_000;
    expect(await owed()).toEqual([]);
  });
});
