// Slots that no run gives back by itself: a lost worker's (the Sweeper), a holder ended without giving it back (the
// next run takes it), a run cancelled after it was handed one (its message gives it back), and a lost wake message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markWaiting, startExecution, type Execution } from '../../../src/domain/runs/execution';
import { requestCancel } from '../../../src/domain/runs/cancel';
import { quiet, startSlotHarness, type SlotHarness } from '../../support/slot-harness';

let h: SlotHarness;
beforeAll(async () => {
  h = await startSlotHarness({ 'quick.sh': 'echo done\n' });
});
afterAll(async () => h?.stop());

const mappingOfItsOwn = () => h.mappingOfItsOwn('quick.sh');
const deliver = (execId: string) => h.deliver(execId);

const holders = async (key: string) => (await h.slots.inspect(key, 1)).holders.map((x) => x.execId);
const enter = (c: { key: string }, e: Execution) =>
  h.slots.enter(c.key, 1, { execId: e.execId, worker: e.worker }, true, new Date());

describe('concurrency slots given back without their run', () => {
  it("the Sweeper ends a lost worker's run and hands its slot to the next in line", async () => {
    const { concurrency: c, record } = mappingOfItsOwn();
    const lost = await record(30, (e, at) => startExecution(e, at));
    await enter(c, lost);
    const next = await record(29, (e, at) => markWaiting(e, 'waiting for a slot', at));
    await enter(c, next);
    expect(await holders(c.key)).toEqual([lost.execId]);
    await h.services.sweeper.sweep(quiet);
    expect((await h.services.executions.get(lost.execId)).status).toBe('error');
    expect(await holders(c.key)).toEqual([next.execId]);
    expect(await deliver(next.execId)).toBe('ran');
    const done = await h.services.executions.get(next.execId);
    expect(done.status).toBe('succeeded');
    expect(done.waiting).toBeUndefined();
    expect(await holders(c.key)).toEqual([]);
  });

  it('a run finding the holder over (its slot never given back) takes the slot back and runs', async () => {
    const { concurrency: c, record } = mappingOfItsOwn();
    const over = await record(5, (e, at) => ({
      ...e,
      status: 'succeeded',
      startedAt: at.toISOString(),
      finishedAt: at.toISOString(),
    }));
    await h.slots.enter(
      c.key,
      1,
      { execId: over.execId, worker: over.worker },
      true,
      new Date(Date.now() - 5 * 60_000),
    );
    const next = await record(0);
    expect(await deliver(next.execId)).toBe('ran');
    expect((await h.services.executions.get(next.execId)).status).toBe('succeeded');
  });

  it('a run cancelled after it was handed a slot gives it back when its message comes, waking the next', async () => {
    const { concurrency: c, record } = mappingOfItsOwn();
    const first = await record(3, (e, at) => startExecution(e, at));
    await enter(c, first);
    const cancelled = await record(2);
    await enter(c, cancelled);
    const last = await record(1);
    await enter(c, last);
    // Cancelled without the cancel giving its place back (as if that write was lost), then handed the slot.
    const found = (await h.store.get(cancelled.execId))!;
    await h.store.replaceIf(
      requestCancel(found.value, { requestedBy: 'ada', reason: null, requestedAt: new Date().toISOString() }),
      found,
    );
    expect(await h.slots.leave(c.key, 1, first.execId, new Date())).toEqual([
      { execId: cancelled.execId, worker: 'Runbook' },
    ]);
    expect(await deliver(cancelled.execId)).toBe('duplicate');
    expect(await holders(c.key)).toEqual([last.execId]);
  });

  it('a run in line is sent again by the Sweeper, uncounted, in case its wake message was lost', async () => {
    const { concurrency: c, record } = mappingOfItsOwn();
    // Requested 10 minutes ago, started just now: alive, its lease fresh.
    const holder = await record(10, (e) => startExecution(e, new Date()));
    await enter(c, holder);
    const waiting = await record(9, (e, at) => markWaiting(e, 'waiting for a slot', at));
    await enter(c, waiting);
    await h.services.sweeper.sweep(quiet);
    const after = await h.services.executions.get(waiting.execId);
    expect(after).toMatchObject({ status: 'queued', waiting: { reason: 'waiting for a slot' } });
    expect(after.requeuedAt).toBeDefined();
    expect(after.requeues ?? 0).toBe(0);
    // Still in line behind a live holder: the re-sent message finds it waiting, and it is never given up.
    expect(await deliver(waiting.execId)).toBe('waiting');
    expect((await h.services.executions.get(waiting.execId)).status).toBe('queued');
  });
});
