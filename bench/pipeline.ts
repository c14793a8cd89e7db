// Benchmark: triggers accepted per second over HTTP, and time until all of them finished, on the local runtime.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config';
import { silentWriter } from '../src/local/console-log';
import { startLocalRuntime } from '../src/local/runtime';

export async function benchPipeline(connection: string, runs: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-bench-'));
  mkdirSync(path.join(dir, 'runbooks'));
  mkdirSync(path.join(dir, 'schemas'));
  writeFileSync(path.join(dir, 'runbooks', 'noop.sh'), 'echo ok\n');
  writeFileSync(
    path.join(dir, 'schemas', 'm.json'),
    JSON.stringify([{ partition_key: 'b', entity: [{ id: 'noop', name: 'noop', runbook: 'noop.sh' }] }]),
  );
  const id = `bench${Date.now()}`;
  const config = loadConfig(
    {
      PATH: process.env['PATH'],
      PORT: '0',
      CLOUDO_STORAGE_CONNECTION: connection,
      CLOUDO_MAPPINGS_TABLE: `${id}m`,
      CLOUDO_EXECUTIONS_TABLE: `${id}x`,
      CLOUDO_QUEUE_PREFIX: `${id}-`,
    },
    dir,
  );
  const rt = await startLocalRuntime({
    config,
    hostJsonPath: path.resolve('host.json'),
    write: silentWriter,
    queueOverrides: { maxPollingIntervalMs: 200 },
  });
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
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
  console.log(`\npipeline: ${runs} triggers at once, trivial runbook, host.json concurrency`);
  console.log(
    `  accepted in ${accepted.toFixed(0)} ms (${((runs / accepted) * 1000).toFixed(0)}/s), all succeeded after ${finished.toFixed(0)} ms`,
  );
}
