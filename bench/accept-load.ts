// Benchmark: manual triggers at 50, 200 and 500 at once: accepted/s, 429s, accept latency, beside the storage floor.
import { performance } from 'node:perf_hooks';
import { createStorageClients } from '../src/adapters/shared/storage-clients';
import { startBenchRuntime } from './bench-runtime';

const LEVELS = [50, 200, 500] as const;

type Sample = { readonly ms: number; readonly status: number };

export async function benchAcceptLoad(connection: string): Promise<void> {
  const id = `benchload${Date.now()}`;
  const bench = await startBenchRuntime(connection, 'load', 'exit 0\n');
  const rt = bench.runtime;
  console.log('\naccept under load: N manual triggers at once on one runtime (workers running meanwhile)');
  try {
    for (const n of LEVELS) {
      const floor = await measureFloor(connection, `${id}f${n}`, n);
      const samples = await burst(`${rt.url}/api/Trigger?id=noop`, n);
      print(n, samples, floor);
    }
  } finally {
    await bench.stop();
  }
}

async function burst(url: string, n: number): Promise<{ samples: Sample[]; wallMs: number }> {
  const t0 = performance.now();
  const samples = await Promise.all(
    Array.from({ length: n }, async () => {
      const start = performance.now();
      const res = await fetch(url, { method: 'POST' }).catch(() => null);
      await res?.arrayBuffer();
      return { ms: performance.now() - start, status: res?.status ?? 0 };
    }),
  );
  return { samples, wallMs: performance.now() - t0 };
}

/** The storage calls an accepted trigger cannot avoid (point read, insert, queue send), N at once, alone. */
async function measureFloor(connection: string, name: string, n: number): Promise<{ perSecond: number; p50: number }> {
  const clients = createStorageClients(connection, { mappingsTable: `${name}m`, executionsTable: `${name}x` });
  const queue = clients.queues.getQueueClient(`${name.toLowerCase()}-q`);
  await Promise.all([clients.executions.createTable(), queue.createIfNotExists()]);
  const t0 = performance.now();
  const times = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const start = performance.now();
      await clients.executions.getEntity('x', `r${i}`).catch(() => undefined);
      await clients.executions.createEntity({ partitionKey: 'x', rowKey: `r${i}`, v: i });
      await queue.sendMessage(Buffer.from(`{"i":${i}}`).toString('base64'));
      return performance.now() - start;
    }),
  );
  const wall = performance.now() - t0;
  await Promise.all([clients.executions.deleteTable(), queue.delete()]);
  return { perSecond: (n / wall) * 1000, p50: percentile(times, 0.5) };
}

function print(n: number, run: { samples: Sample[]; wallMs: number }, floor: { perSecond: number; p50: number }) {
  const ok = run.samples.filter((s) => s.status === 202);
  const count = (status: number) => run.samples.filter((s) => s.status === status).length;
  const other = run.samples.length - ok.length - count(429) - count(503);
  const ms = run.samples.map((s) => s.ms);
  console.log(
    `  ${String(n).padStart(3)} at once: ${ok.length} accepted (${((ok.length / run.wallMs) * 1000).toFixed(0)}/s), ` +
      `${count(429)} × 429, ${count(503)} × 503, ${other} other; latency p50 ${percentile(ms, 0.5).toFixed(0)} ms, ` +
      `p99 ${percentile(ms, 0.99).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms` +
      `  | floor: storage calls alone ${floor.perSecond.toFixed(0)}/s, p50 ${floor.p50.toFixed(0)} ms`,
  );
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
