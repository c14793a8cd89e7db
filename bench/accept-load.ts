// Benchmark: manual triggers one at a time, 20 in flight and 500 at once, each beside its storage floor measured in
// the same run (the calls an accepted trigger cannot avoid: point read, insert, queue send).
import { fork } from 'node:child_process';
import path from 'node:path';
import { createStorageClients } from '../src/adapters/shared/storage-clients';
import { startBenchRuntime } from './bench-runtime';
import { inParallel, ms, percentile, verdict } from './bench-stats';
import type { ClientOrder, ClientReport } from './trigger-client';

const SEQUENTIAL = 300;
const WARM_UP = 30;
const BURST = { total: 200, inFlight: 20 } as const;
const FLOOD = 500;

export async function benchAcceptLoad(connection: string): Promise<void> {
  const floor = storageFloor(connection, `benchfloor${Date.now()}`);
  console.log('\naccept: manual triggers on one runtime, beside the storage calls they cannot avoid, timed alone');
  try {
    // The accept path alone, then with the worker running each accepted no-op run in the same process meanwhile.
    for (const consume of [false, true]) {
      const bench = await startBenchRuntime(connection, consume ? 'load' : 'accept', 'exit 0\n', { consume });
      const trigger = triggerer(`${bench.runtime.url}/api/Trigger?id=noop`);
      try {
        await trigger.send(WARM_UP, 1);
        await oneAtATime(trigger, await floor.measure(SEQUENTIAL, 1), consume);
        await burst(trigger, await floor.measure(BURST.total, BURST.inFlight), consume);
        if (consume) await flood(trigger);
      } finally {
        trigger.close();
        await bench.stop();
      }
    }
  } finally {
    await floor.dispose();
  }
}

type Trigger = ReturnType<typeof triggerer>;
type Floor = { readonly perSecond: number; readonly p50: number };

const paused = (workers: boolean) => (workers ? 'runs executing meanwhile' : 'worker paused');

async function oneAtATime(trigger: Trigger, alone: Floor, workers: boolean): Promise<void> {
  const times = (await trigger.send(SEQUENTIAL, 1)).results.map((r) => r.ms);
  const p50 = percentile(times, 0.5);
  const p99 = percentile(times, 0.99);
  console.log(
    `  one at a time, ${paused(workers).padEnd(24)}: p50 ${ms(p50)}, p99 ${ms(p99)}` +
      `  | floor p50 ${ms(alone.p50)}  | target p50 ≤ ${ms(2.5 * alone.p50)} ${verdict(p50 <= 2.5 * alone.p50)}, ` +
      `p99 ≤ 25 ms ${verdict(p99 <= 25)}`,
  );
}

async function burst(trigger: Trigger, floor: Floor, workers: boolean): Promise<void> {
  const run = await trigger.send(BURST.total, BURST.inFlight);
  const rate = (count(run.results, 202) / run.wallMs) * 1000;
  const errors = run.results.length - count(run.results, 202);
  console.log(
    `  ${BURST.total}, ${BURST.inFlight} in flight, ${paused(workers).padEnd(24)}: ${rate.toFixed(0)}/s, ${errors} not accepted` +
      `  | floor ${floor.perSecond.toFixed(0)}/s  | target ≥ ${(floor.perSecond / 2).toFixed(0)}/s, 0 errors ` +
      verdict(rate >= floor.perSecond / 2 && errors === 0),
  );
}

async function flood(trigger: Trigger): Promise<void> {
  const run = await trigger.send(FLOOD, FLOOD);
  const slowest = Math.max(...run.results.map((r) => r.ms));
  const other = run.results.length - count(run.results, 202) - count(run.results, 429);
  console.log(
    `  ${FLOOD} at once: ${count(run.results, 202)} × 202, ${count(run.results, 429)} × 429, ${other} other; ` +
      `slowest answer ${ms(slowest)}  | target every answer 202 or 429 within 10 s ${verdict(slowest <= 10_000 && other === 0)}`,
  );
}

const count = (results: readonly { value: number }[], status: number) =>
  results.filter((r) => r.value === status).length;

/** Sends triggers from a process of its own, as a real sender would: its fetches cost the runtime nothing. */
function triggerer(url: string) {
  const client = fork(path.join(__dirname, 'trigger-client.js'));
  const send = (total: number, inFlight: number) =>
    new Promise<ClientReport>((resolve) => {
      client.once('message', (report: ClientReport) => resolve(report));
      client.send({ url, total, inFlight } satisfies ClientOrder);
    });
  return { send, close: () => void client.kill() };
}

/** The storage calls an accepted trigger cannot avoid, on a table and queue of their own, with no ClouDO code. */
function storageFloor(connection: string, name: string) {
  const clients = createStorageClients(connection, { mappingsTable: `${name}m`, executionsTable: `${name}x` });
  const queue = clients.queues.getQueueClient(`${name}-q`);
  const ready = Promise.all([clients.executions.createTable(), queue.createIfNotExists()]);
  let row = 0;
  const calls = async () => {
    const rowKey = `r${row++}`;
    await clients.executions.getEntity('x', rowKey).catch(() => undefined);
    await clients.executions.createEntity({ partitionKey: 'x', rowKey, v: row });
    await queue.sendMessage(Buffer.from(`{"i":${row}}`).toString('base64'));
  };
  return {
    measure: async (total: number, inFlight: number) => {
      await ready;
      await inParallel(WARM_UP, inFlight, calls);
      const run = await inParallel(total, inFlight, calls);
      const times = run.results.map((r) => r.ms);
      return { perSecond: (total / run.wallMs) * 1000, p50: percentile(times, 0.5) };
    },
    dispose: async () => {
      await Promise.all([clients.executions.deleteTable(), queue.delete()]).catch(() => undefined);
    },
  };
}
