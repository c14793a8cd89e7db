// Benchmark: manual triggers one at a time, 20 in flight and 500 at once, each beside its storage floor measured in
// the same run (the calls an accepted trigger cannot avoid: point read, insert, queue send).
import { createStorageClients } from '../src/adapters/shared/storage-clients';
import { startBenchRuntime } from './bench-runtime';
import { inParallel, ms, percentile, verdict } from './bench-stats';

const SEQUENTIAL = 300;
const WARM_UP = 30;
const BURST = { total: 200, inFlight: 20 } as const;
const FLOOD = 500;

export async function benchAcceptLoad(connection: string): Promise<void> {
  const bench = await startBenchRuntime(connection, 'load', 'exit 0\n');
  const trigger = triggerer(`${bench.runtime.url}/api/Trigger?id=noop`);
  const floor = storageFloor(connection, `benchfloor${Date.now()}`);
  console.log('\naccept: manual triggers on one runtime, its workers running the no-op runs meanwhile');
  try {
    await inParallel(WARM_UP, 1, trigger);
    const alone = await floor.measure(SEQUENTIAL, 1);
    const one = await inParallel(SEQUENTIAL, 1, trigger);
    const times = one.results.map((r) => r.ms);
    const p50 = percentile(times, 0.5);
    const p99 = percentile(times, 0.99);
    console.log(
      `  one at a time:  p50 ${ms(p50)}, p99 ${ms(p99)}  | floor p50 ${ms(alone.p50)}` +
        `  | target p50 ≤ ${ms(2.5 * alone.p50)} ${verdict(p50 <= 2.5 * alone.p50)}, p99 ≤ 25 ms ${verdict(p99 <= 25)}`,
    );
    const burstFloor = await floor.measure(BURST.total, BURST.inFlight);
    const burst = await inParallel(BURST.total, BURST.inFlight, trigger);
    const rate = (count(burst.results, 202) / burst.wallMs) * 1000;
    const errors = burst.results.length - count(burst.results, 202);
    console.log(
      `  ${BURST.total}, ${BURST.inFlight} in flight: ${rate.toFixed(0)}/s, ${errors} not accepted` +
        `  | floor ${burstFloor.perSecond.toFixed(0)}/s  | target ≥ ${(burstFloor.perSecond / 2).toFixed(0)}/s, 0 errors ` +
        verdict(rate >= burstFloor.perSecond / 2 && errors === 0),
    );
    const flood = await inParallel(FLOOD, FLOOD, trigger);
    const slowest = Math.max(...flood.results.map((r) => r.ms));
    const other = flood.results.length - count(flood.results, 202) - count(flood.results, 429);
    console.log(
      `  ${FLOOD} at once: ${count(flood.results, 202)} × 202, ${count(flood.results, 429)} × 429, ${other} other; ` +
        `slowest answer ${ms(slowest)}  | target every answer 202 or 429 within 10 s ${verdict(slowest <= 10_000 && other === 0)}`,
    );
  } finally {
    await floor.dispose();
    await bench.stop();
  }
}

const count = (results: readonly { value: number }[], status: number) =>
  results.filter((r) => r.value === status).length;

function triggerer(url: string) {
  return async (): Promise<number> => {
    const res = await fetch(url, { method: 'POST' }).catch(() => null);
    await res?.arrayBuffer();
    return res?.status ?? 0;
  };
}

/** The storage calls an accepted trigger cannot avoid, on a table and queue of their own, with no ClouDO code. */
function storageFloor(connection: string, name: string) {
  const clients = createStorageClients(connection, { mappingsTable: `${name}m`, executionsTable: `${name}x` });
  const queue = clients.queues.getQueueClient(`${name}-q`);
  const ready = Promise.all([clients.executions.createTable(), queue.createIfNotExists()]);
  let row = 0;
  return {
    measure: async (total: number, inFlight: number) => {
      await ready;
      const run = await inParallel(total, inFlight, async () => {
        const rowKey = `r${row++}`;
        await clients.executions.getEntity('x', rowKey).catch(() => undefined);
        await clients.executions.createEntity({ partitionKey: 'x', rowKey, v: row });
        await queue.sendMessage(Buffer.from(`{"i":${row}}`).toString('base64'));
      });
      const times = run.results.map((r) => r.ms);
      return { perSecond: (total / run.wallMs) * 1000, p50: percentile(times, 0.5) };
    },
    dispose: async () => {
      await Promise.all([clients.executions.deleteTable(), queue.delete()]).catch(() => undefined);
    },
  };
}
