// Benchmark: no-op runs one worker completes per second with the shipped host.json, and its own overhead per run
// (message received to process spawned, process exited to result recorded) beside the floors it cannot go under.
import { performance } from 'node:perf_hooks';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startBenchRuntime } from './bench-runtime';
import { collectSpans, percentile, phasesOf, steadyRate, type RunPhases } from './run-spans';
import { atConcurrency, measureProcessFloor, measureStorageFloor } from './throughput-floors';

const TARGET_PER_SECOND = 50;
const TARGET_OVERHEAD_MS = 20;
// The shipped host.json's most messages in hand at once: a batch of 4, and the next batch once only 2 are left.
const CONCURRENCY = 6;
const WAIT_CAP_MS = 300_000;

/** Call in a process of its own (it registers the tracer provider), e.g. after `startAzurite({ mode: 'memory' })`. */
export async function benchThroughput(connection: string, runs = 300): Promise<void> {
  const spans = collectSpans(SpanKind.CONSUMER);
  const bench = await startBenchRuntime(connection, 'thru', 'exit 0\n', { shippedPolling: true });
  try {
    const rt = bench.runtime;
    const t0 = performance.now();
    // At most 20 requests in flight: enough to keep the queue ahead of the worker.
    await atConcurrency(runs, 20, async () => {
      const res = await fetch(`${rt.url}/api/Trigger?id=noop`, { method: 'POST' });
      if (res.status !== 202) throw new Error(`trigger answered ${res.status}: ${await res.text()}`);
    });
    const acceptedMs = performance.now() - t0;
    const phases = await waitForRuns(spans, runs);
    const allMs = performance.now() - t0;
    const processFloor = await measureProcessFloor(rt, runs, CONCURRENCY);
    const storageFloor = await measureStorageFloor(rt, connection, runs, CONCURRENCY);
    const line = (label: string, xs: number[], floor: string) =>
      console.log(
        `  ${label.padEnd(26)} p50 ${fmt(percentile(xs, 50))} ms, p95 ${fmt(percentile(xs, 95))} ms   (${floor}; target p50 <= ${TARGET_OVERHEAD_MS} ms)`,
      );
    console.log(`\nthroughput: ${runs} no-op runs (exit 0), shipped host.json (${CONCURRENCY} in hand at most)`);
    console.log(`  accepted in ${acceptedMs.toFixed(0)} ms, all recorded after ${allMs.toFixed(0)} ms`);
    const rate = steadyRate(phases.map((p) => p.recorded));
    console.log(
      `  completed ${rate.toFixed(1)} runs/s with the pipeline full   (target >= ${TARGET_PER_SECOND}/s; ` +
        `process alone ${processFloor.perSecond.toFixed(0)}/s, storage alone ${storageFloor.perSecond.toFixed(0)}/s)`,
    );
    const floors = (xs: number[], ys: number[]) => `${fmt(percentile(xs, 50))} + ${fmt(percentile(ys, 50))}`;
    line(
      'received -> spawned',
      phases.map((p) => p.spawned - p.received),
      `floor p50: read + claim ${floors(storageFloor.readMs, storageFloor.claimMs)} ms, spawn ${fmt(percentile(processFloor.spawnMs, 50))} ms`,
    );
    line(
      'exited -> recorded',
      phases.map((p) => p.recorded - p.exited),
      `floor p50: finish write ${fmt(percentile(storageFloor.finishMs, 50))} ms, runner after exit ${fmt(percentile(processFloor.afterExitMs, 50))} ms`,
    );
    line(
      'spawned -> exited',
      phases.map((p) => p.exited - p.spawned),
      'the no-op process itself',
    );
  } finally {
    await bench.stop();
  }
}

async function waitForRuns(spans: readonly ReadableSpan[], runs: number): Promise<RunPhases[]> {
  const deadline = performance.now() + WAIT_CAP_MS;
  for (;;) {
    const phases = spans.map(phasesOf).filter((p): p is RunPhases => p !== null);
    if (phases.length >= runs) return phases;
    if (performance.now() > deadline) throw new Error(`only ${phases.length} of ${runs} runs recorded in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fmt = (ms: number) => ms.toFixed(1);
