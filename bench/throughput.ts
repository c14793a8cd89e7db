// Benchmark: no-op runs one worker completes per second with the shipped host.json, and its own overhead per run
// (message received to process spawned, process exited to result recorded) beside the floors it cannot go under.
import { performance } from 'node:perf_hooks';
import { createExecutionTable } from '../src/adapters/runs/execution-table';
import { createRunQueue } from '../src/adapters/runs/run-queue';
import { createStorageClients, ensureTables } from '../src/adapters/shared/storage-clients';
import { createAdminServices } from '../src/composition/admin-wiring';
import type { CloudoConfig } from '../src/config/load-config';
import { newExecId } from '../src/domain/runs/exec-id';
import { newExecution } from '../src/domain/runs/execution';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startBenchRuntime } from './bench-runtime';
import { collectSpans, percentile, phasesOf, steadyRate, type CollectedSpans, type RunPhases } from './run-spans';
import {
  atConcurrency,
  measureProcessFloor,
  measureStorageFloor,
  type ProcessFloor,
  type StorageFloor,
} from './throughput-floors';

const TARGET_PER_SECOND = 50;
const TARGET_OVERHEAD_MS = 20;
// The shipped host.json's most messages in hand at once: a batch of 4, and the next batch once only 2 are left.
const CONCURRENCY = 6;
const WAIT_CAP_MS = 300_000;

/** Call in a process of its own (it registers the tracer provider), e.g. after `startAzurite({ mode: 'memory' })`. */
export async function benchThroughput(connection: string, runs = 300): Promise<void> {
  const spans = collectSpans();
  // Queued before the runtime starts: its worker finds the pipeline full, and nothing else competes for the CPU.
  const prefill = (config: CloudoConfig) => queueRuns(config, connection, runs);
  const t0 = performance.now();
  const bench = await startBenchRuntime(connection, 'thru', 'exit 0\n', { shippedPolling: true, prefill });
  try {
    const rt = bench.runtime;
    const startedMs = performance.now() - t0;
    const phases = await waitForRuns(spans, runs);
    const allMs = performance.now() - t0;
    const processFloor = await measureProcessFloor(rt, runs, CONCURRENCY);
    const storageFloor = await measureStorageFloor(rt, connection, runs, CONCURRENCY);
    console.log(`\nthroughput: ${runs} no-op runs (exit 0), shipped host.json (${CONCURRENCY} in hand at most)`);
    console.log(
      `  queued and runtime started in ${startedMs.toFixed(0)} ms, all recorded after ${allMs.toFixed(0)} ms`,
    );
    report(phases, processFloor, storageFloor);
  } finally {
    await bench.stop();
  }
}

function report(phases: readonly RunPhases[], processFloor: ProcessFloor, storageFloor: StorageFloor): void {
  const p50 = (xs: readonly number[]) => fmt(percentile(xs, 50));
  const line = (label: string, xs: number[], beside: string) =>
    console.log(`  ${label.padEnd(44)} p50 ${p50(xs)} ms, p95 ${fmt(percentile(xs, 95))} ms   (${beside})`);
  const rate = steadyRate(phases.map((p) => p.recorded));
  console.log(
    `  completed ${rate.toFixed(1)} runs/s with the pipeline full   (target >= ${TARGET_PER_SECOND}/s; ` +
      `process alone ${processFloor.perSecond.toFixed(0)}/s, storage alone ${storageFloor.perSecond.toFixed(0)}/s)`,
  );
  const target = `target p50 <= ${TARGET_OVERHEAD_MS} ms`;
  // A phase, the Azure SDK's spans within it, and the rest: the worker's own time, held to the target.
  const split = (rest: string, phase: (p: RunPhases) => number, storage: (p: RunPhases) => number) => {
    line('  of which storage calls', phases.map(storage), 'the Azure SDK spans of the run');
    line(
      `  the rest: ${rest}`,
      phases.map((p) => phase(p) - storage(p)),
      target,
    );
  };
  const { readMs, claimMs, finishMs } = storageFloor;
  const beforeSpawn = (p: RunPhases) => p.spawned - p.received;
  line(
    'received -> spawned',
    phases.map(beforeSpawn),
    `floor p50: read ${p50(readMs)} + claim ${p50(claimMs)} ms, spawn ${p50(processFloor.spawnMs)} ms`,
  );
  split('worker and spawn', beforeSpawn, (p) => p.storageBeforeSpawn);
  const afterExit = (p: RunPhases) => p.recorded - p.exited;
  line(
    'exited -> recorded',
    phases.map(afterExit),
    `floor p50: finish write ${p50(finishMs)} ms, runner after exit ${p50(processFloor.afterExitMs)} ms`,
  );
  split('worker', afterExit, (p) => p.storageAfterExit);
  line(
    'spawned -> exited',
    phases.map((p) => p.exited - p.spawned),
    'the no-op process itself',
  );
}

/** As a manual trigger records and queues them, through the project's store and queue. */
async function queueRuns(config: CloudoConfig, connection: string, runs: number): Promise<void> {
  const [mapping] = await createAdminServices(config).loadMappings();
  if (!mapping) throw new Error('the bench runtime has no mapping');
  const clients = createStorageClients(connection, config);
  await ensureTables(clients);
  const store = createExecutionTable(clients.executions);
  const queue = createRunQueue(clients.queues, config.queuePrefix);
  await atConcurrency(runs, 20, async () => {
    const now = new Date();
    const execId = newExecId(now);
    await store.create(newExecution({ execId, mapping, trigger: 'manual', now, defaultTimeoutSeconds: 60 }));
    await queue.enqueue(mapping.worker, { v: 1, execId });
  });
}

async function waitForRuns(spans: CollectedSpans, runs: number): Promise<RunPhases[]> {
  const deadline = performance.now() + WAIT_CAP_MS;
  for (;;) {
    const storageOf = (s: ReadableSpan) => spans.storageByTrace.get(s.spanContext().traceId) ?? [];
    const phases = spans.runs.map((s) => phasesOf(s, storageOf(s))).filter((p): p is RunPhases => p !== null);
    if (phases.length >= runs) return phases;
    if (performance.now() > deadline) throw new Error(`only ${phases.length} of ${runs} runs recorded in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fmt = (ms: number) => ms.toFixed(1);
