// Benchmark: triggers accepted per second over HTTP, and time until all of them finished, on the local runtime.
import { performance } from 'node:perf_hooks';
import { startBenchRuntime } from './bench-runtime';

export async function benchPipeline(connection: string, runs: number): Promise<void> {
  const bench = await startBenchRuntime(connection, 'pipeline', 'echo ok\n');
  const rt = bench.runtime;
  const t0 = performance.now();
  const ids = await Promise.all(
    Array.from({ length: runs }, async () => {
      const res = await fetch(`${rt.url}/api/Trigger?id=noop`, { method: 'POST' });
      return ((await res.json()) as { execId: string }).execId;
    }),
  );
  const accepted = performance.now() - t0;
  for (;;) {
    const res = await fetch(`${rt.url}/api/logs?status=succeeded&limit=200`);
    if (((await res.json()) as { items: unknown[] }).items.length >= ids.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const finished = performance.now() - t0;
  await bench.stop();
  console.log(`\npipeline: ${runs} triggers at once, trivial runbook, host.json concurrency`);
  console.log(
    `  accepted in ${accepted.toFixed(0)} ms (${((runs / accepted) * 1000).toFixed(0)}/s), all succeeded after ${finished.toFixed(0)} ms`,
  );
}
