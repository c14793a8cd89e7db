// Benchmark: manual triggers one at a time, 20 in flight and 500 at once, each beside two storage floors measured in
// the same run: the issue's (point read, insert, queue send) and the calls a trigger makes now, replayed alone.
import { fork } from 'node:child_process';
import path from 'node:path';
import { createStorageClients } from '../src/adapters/shared/storage-clients';
import type { LocalRuntime } from '../src/local/runtime';
import { startBenchRuntime } from './bench-runtime';
import { inParallel, ms, percentile, verdict } from './bench-stats';
import type { ClientOrder, ClientReport } from './trigger-client';
import { readTriggerWrites, replayTriggerWrites, seedMapping, type TriggerWrites } from './trigger-writes';

const SEQUENTIAL = 300;
const WARM_UP = 30;
const BURST = { total: 200, inFlight: 20 } as const;
const FLOOD = 500;

export async function benchAcceptLoad(connection: string): Promise<void> {
  console.log(
    '\naccept: manual triggers on one runtime, beside storage timed alone: its own calls (read, audit transaction,' +
      ' record transaction, message) and the three-call floor (read, insert, message)',
  );
  // The accept path alone, then with the worker running each accepted no-op run in the same process meanwhile.
  let writes: TriggerWrites | undefined;
  for (const consume of [false, true]) {
    const bench = await startBenchRuntime(connection, consume ? 'load' : 'accept', 'exit 0\n', { consume });
    const trigger = triggerer(`${bench.runtime.url}/api/Trigger?id=noop`);
    // Tables of their own for each runtime: Azurite's cost per write grows with its partition, so the floors start
    // as empty as the runtime's tables and take as many calls as it takes triggers.
    const floor = storageFloor(connection, `benchfloor${Date.now()}`);
    let own: StorageFloor | undefined;
    try {
      await trigger.send(WARM_UP, 1);
      // Read from the first runtime, whose worker takes nothing: its rows are the trigger's writes alone.
      writes ??= await writesOf(connection, bench.runtime);
      const ownCalls = (own = await ownCallsFloor(connection, writes, `benchown${Date.now()}`));
      const floors = async (total: number, inFlight: number) => ({
        issue: await floor.measure(total, inFlight),
        own: await ownCalls.measure(total, inFlight),
      });
      await oneAtATime(trigger, await floors(SEQUENTIAL, 1), consume);
      await burst(trigger, await floors(BURST.total, BURST.inFlight), consume);
      if (consume) await flood(trigger);
    } finally {
      trigger.close();
      await Promise.all([bench.stop(), floor.dispose(), own?.dispose()]);
    }
  }
}

type Trigger = ReturnType<typeof triggerer>;
type Floor = { readonly perSecond: number; readonly p50: number };
/** The issue's floor (a point read, an insert, a message) and the calls a trigger makes now, each timed alone. */
type Floors = { readonly issue: Floor; readonly own: Floor };
type StorageFloor = ReturnType<typeof timedAlone>;

const paused = (workers: boolean) => (workers ? 'runs executing meanwhile' : 'worker paused');

// The p50 is held to the storage calls the path must make: the calls a trigger makes now (ADR 0017).
async function oneAtATime(trigger: Trigger, alone: Floors, workers: boolean): Promise<void> {
  const times = (await trigger.send(SEQUENTIAL, 1)).results.map((r) => r.ms);
  const p50 = percentile(times, 0.5);
  const p99 = percentile(times, 0.99);
  const target = 2.5 * alone.own.p50;
  console.log(
    `  one at a time, ${paused(workers).padEnd(24)}: p50 ${ms(p50)}, p99 ${ms(p99)}` +
      `  | its own calls p50 ${ms(alone.own.p50)}, floor ${ms(alone.issue.p50)}` +
      `  | target p50 ≤ ${ms(target)} ${verdict(p50 <= target)}, p99 ≤ 25 ms ${verdict(p99 <= 25)}` +
      ` (${(p50 / alone.own.p50).toFixed(1)} × its own calls, ${(p50 / alone.issue.p50).toFixed(1)} × the floor)`,
  );
}

// A burst is held to half the rate of the calls a trigger makes now (ADR 0017); the ratio to the issue's three calls
// is printed beside it, so the cost of what the path writes beyond them stays in view.
async function burst(trigger: Trigger, floor: Floors, workers: boolean): Promise<void> {
  const run = await trigger.send(BURST.total, BURST.inFlight);
  const rate = (count(run.results, 202) / run.wallMs) * 1000;
  const errors = run.results.length - count(run.results, 202);
  const { issue, own } = floor;
  console.log(
    `  ${BURST.total}, ${BURST.inFlight} in flight, ${paused(workers).padEnd(24)}: ${rate.toFixed(0)}/s, ${errors} not accepted` +
      `  | its own calls ${own.perSecond.toFixed(0)}/s, floor ${issue.perSecond.toFixed(0)}/s` +
      `  | target ≥ ${(own.perSecond / 2).toFixed(0)}/s, 0 errors ${verdict(rate >= own.perSecond / 2 && errors === 0)}` +
      ` (${(rate / own.perSecond).toFixed(2)} × its own calls, ${(rate / issue.perSecond).toFixed(2)} × the floor)`,
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

/** The issue's floor: a point read, an insert and a message, on a table and queue of their own, with no ClouDO code. */
function storageFloor(connection: string, name: string): StorageFloor {
  const clients = createStorageClients(connection, { mappingsTable: `${name}m`, executionsTable: `${name}x` });
  const queue = clients.queues.getQueueClient(`${name}-q`);
  let row = 0;
  const calls = async () => {
    const rowKey = `r${row++}`;
    await clients.executions.getEntity('x', rowKey).catch(() => undefined);
    await clients.executions.createEntity({ partitionKey: 'x', rowKey, v: row });
    await queue.sendMessage(Buffer.from(`{"i":${row}}`).toString('base64'));
  };
  const ready = Promise.all([clients.executions.createTable(), queue.createIfNotExists()]);
  return timedAlone(calls, ready, () => Promise.all([clients.executions.deleteTable(), queue.delete()]));
}

/** One trigger's writes, read back from the runtime's tables. */
function writesOf(connection: string, runtime: LocalRuntime): Promise<TriggerWrites> {
  const from = createStorageClients(connection, runtime.config);
  return readTriggerWrites(from.mappings, from.executions);
}

/** The calls a trigger makes now (read back from a runtime's tables), replayed on a table and queue of their own. */
async function ownCallsFloor(connection: string, writes: TriggerWrites, name: string): Promise<StorageFloor> {
  const to = createStorageClients(connection, { mappingsTable: `${name}m`, executionsTable: `${name}x` });
  const queue = to.queues.getQueueClient(`${name}-q`);
  const tables = [to.mappings, to.executions];
  const ready = Promise.all([...tables.map((t) => t.createTable()), queue.createIfNotExists()]);
  await ready.then(() => seedMapping(writes, to.mappings));
  const calls = replayTriggerWrites(writes, { mappings: to.mappings, executions: to.executions, queue });
  return timedAlone(calls, ready, () => Promise.all([...tables.map((t) => t.deleteTable()), queue.delete()]));
}

function timedAlone(calls: () => Promise<void>, ready: Promise<unknown>, remove: () => Promise<unknown>) {
  return {
    measure: async (total: number, inFlight: number): Promise<Floor> => {
      await ready;
      await inParallel(WARM_UP, inFlight, calls);
      const run = await inParallel(total, inFlight, calls);
      const times = run.results.map((r) => r.ms);
      return { perSecond: (total / run.wallMs) * 1000, p50: percentile(times, 0.5) };
    },
    dispose: async () => {
      await remove().catch(() => undefined);
    },
  };
}
