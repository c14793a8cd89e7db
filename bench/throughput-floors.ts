// Bench floors: what a run costs without the worker around it, at the worker's concurrency: the process alone
// (the project's process runner), and the record's reads and writes alone (the project's execution store).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TableClient } from '@azure/data-tables';
import { trace } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createExecutionTable } from '../src/adapters/runs/execution-table';
import { EXITED_EVENT, runProcess, SPAWNED_EVENT } from '../src/adapters/worker/process-runner';
import { newExecId } from '../src/domain/runs/exec-id';
import { finishExecution, newExecution, startExecution } from '../src/domain/runs/execution';
import type { LocalRuntime } from '../src/local/runtime';

export type ProcessFloor = { readonly spawnMs: number[]; readonly afterExitMs: number[]; readonly perSecond: number };
export type StorageFloor = {
  readonly readMs: number[];
  readonly claimMs: number[];
  readonly finishMs: number[];
  readonly perSecond: number;
};

/** Runs `worker` over `count` items, at most `concurrency` at once; the rate at which they completed. */
export async function atConcurrency(count: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) await work(i);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return (count / (performance.now() - t0)) * 1000;
}

/** `bash noop.sh` spawned `count` times: call to spawned, and exited to the runner's answer. */
export async function measureProcessFloor(rt: LocalRuntime, count: number, concurrency: number) {
  const spawnMs: number[] = [];
  const afterExitMs: number[] = [];
  const tracer = trace.getTracer('bench');
  const spec = {
    file: rt.config.bash,
    args: [path.join(rt.config.runbooksDir, 'noop.sh')],
    cwd: rt.config.runbooksDir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    timeoutMs: 60_000,
    killGraceMs: 1_000,
    maxOutputBytes: rt.config.maxOutputBytes,
  };
  const perSecond = await atConcurrency(count, concurrency, () =>
    tracer.startActiveSpan('floor', async (span) => {
      const t0 = performance.timeOrigin + performance.now();
      await runProcess(spec);
      const t1 = performance.timeOrigin + performance.now();
      span.end();
      // The SDK's spans are readable: the events the runner added to this one.
      const { events } = span as unknown as ReadableSpan;
      const at = (name: string) => hrTimeToMilliseconds(events.find((e) => e.name === name)?.time ?? [0, 0]);
      spawnMs.push(at(SPAWNED_EVENT) - t0);
      afterExitMs.push(t1 - at(EXITED_EVENT));
    }),
  );
  return { spawnMs, afterExitMs, perSecond } satisfies ProcessFloor;
}

/** A queued record read, claimed and finished, `count` times: each call timed on its own. */
export async function measureStorageFloor(rt: LocalRuntime, connection: string, count: number, concurrency: number) {
  const table = TableClient.fromConnectionString(connection, rt.config.executionsTable, {
    allowInsecureConnection: true,
  });
  const store = createExecutionTable(table);
  const mapping = rt.mappings[0];
  if (!mapping) throw new Error('the bench runtime has no mapping');
  const now = () => new Date();
  const created = await Promise.all(
    Array.from({ length: count }, () =>
      store.create(
        newExecution({ execId: newExecId(now()), mapping, trigger: 'manual', now: now(), defaultTimeoutSeconds: 60 }),
      ),
    ),
  );
  const readMs: number[] = [];
  const claimMs: number[] = [];
  const finishMs: number[] = [];
  const timed = async <T>(into: number[], call: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await call();
    into.push(performance.now() - t0);
    return out;
  };
  const result = { status: 'succeeded' as const, exitCode: 0, signal: null, durationMs: 1, output: '' };
  const perSecond = await atConcurrency(count, concurrency, async (i) => {
    const read = await timed(readMs, () => store.get(created[i]?.value.execId ?? ''));
    if (!read) throw new Error('a record created for the bench is gone');
    const claimed = await timed(claimMs, () => store.replaceIf(startExecution(read.value, now()), read));
    if (!claimed) throw new Error('claiming a record nobody else writes failed');
    await timed(finishMs, () => store.replaceIf(finishExecution(claimed.value, result, now()), claimed));
  });
  return { readMs, claimMs, finishMs, perSecond } satisfies StorageFloor;
}
