// A local runtime for benchmarks: one no-op mapping on the given storage, with tables and queues of its own.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type CloudoConfig } from '../src/config/load-config';
import { silentWriter } from '../src/local/console-log';
import { startLocalRuntime, type LocalRuntime } from '../src/local/runtime';

export type BenchRuntime = { readonly runtime: LocalRuntime; stop(): Promise<void> };

export type BenchRuntimeOptions = {
  /** Poll as the shipped host.json says (2 s at most when idle), not every 200 ms: for figures of the worker itself. */
  readonly shippedPolling?: boolean;
  /** Runs before the runtime starts, e.g. to queue runs its worker then finds waiting. */
  readonly prefill?: (config: CloudoConfig) => Promise<void>;
  /**
   * False: the worker takes no message, for figures of the accept path alone. The listener takes a new batch only
   * while more than newBatchThreshold messages are not in hand, which -1 makes never.
   */
  readonly consume?: boolean;
};

/** Mapping `b/noop` runs `noop.sh` (the given script); the runtime polls its queue every 200 ms at most. */
export async function startBenchRuntime(
  connection: string,
  name: string,
  script: string,
  options: BenchRuntimeOptions = {},
): Promise<BenchRuntime> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cloudo-bench-${name}-`));
  mkdirSync(path.join(dir, 'runbooks'));
  mkdirSync(path.join(dir, 'schemas'));
  writeFileSync(path.join(dir, 'runbooks', 'noop.sh'), script);
  const mapping = { partition_key: 'b', entity: [{ id: 'noop', name: 'noop', runbook: 'noop.sh' }] };
  writeFileSync(path.join(dir, 'schemas', 'm.json'), JSON.stringify([mapping]));
  // Queue prefixes are at most 24 characters: a short name and the time in base 36.
  const id = `b${name.slice(0, 6)}${Date.now().toString(36)}`;
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
  await options.prefill?.(config);
  const runtime = await startLocalRuntime({
    config,
    hostJsonPath: path.resolve('host.json'),
    write: silentWriter,
    queueOverrides: {
      ...(options.shippedPolling ? {} : { maxPollingIntervalMs: 200 }),
      ...(options.consume === false ? { newBatchThreshold: -1 } : {}),
    },
  });
  return {
    runtime,
    stop: async () => {
      await runtime.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
