// Races against "never more than `limit` runs of a key at once": duplicate deliveries of a skipped run, a run the
// Sweeper called lost while it still runs, a limit changed while runs wait, and a lost wake-up. Real storage, real runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { startExecution, type Execution } from '../../../src/domain/runs/execution';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import { createStorageClients } from '../../../src/adapters/shared/storage-clients';
import type { SlotRun } from '../../../src/services/concurrency/ports';
import { quiet, startSlotHarness, type SlotHarness } from '../../support/slot-harness';

const stamp = (sleep: string) =>
  `#!/usr/bin/env bash\necho "start $(date +%s%N)"\nsleep ${sleep}\necho "end $(date +%s%N)"\n`;

let h: SlotHarness;
beforeAll(async () => {
  h = await startSlotHarness({ 'quick.sh': stamp('0.2'), 'slow.sh': stamp('4') });
});
afterAll(async () => h?.stop());

const mappingOfItsOwn = (runbook: string, onBusy: 'queue' | 'skip') => h.mappingOfItsOwn(runbook, onBusy);
const deliver = (execId: string) => h.deliver(execId);

function interval(e: Execution): [number, number] {
  const out = String(e.output);
  return [Number(/start (\d+)/.exec(out)?.[1]), Number(/end (\d+)/.exec(out)?.[1])];
}

describe('on_busy "skip" and duplicate deliveries', () => {
  // A skipped run leaves the line; a second delivery of it doing the same must not read the row gone as a hand-off.
  it('two concurrent enters of one skip run are never told they hold a slot nobody handed them', async () => {
    const told: boolean[] = [];
    for (let trial = 0; trial < 8; trial++) {
      const key = `p|skip-dup-${trial}-${Date.now()}`;
      const holder = { execId: newExecId(new Date(Date.now() - 1000)), worker: 'Runbook' };
      const run = { execId: newExecId(new Date()), worker: 'Runbook' };
      expect((await h.slots.enter(key, 1, holder, true, new Date())).holds).toBe(true);
      const [a, b] = await Promise.all([
        h.slots.enter(key, 1, run, false, new Date()),
        h.slots.enter(key, 1, run, false, new Date()),
      ]);
      // The slot is still the holder's: nobody handed `run` anything.
      expect((await h.slots.inspect(key, 1)).holders.map((h) => h.execId)).toEqual([holder.execId]);
      told.push(a.holds, b.holds);
    }
    expect(told.filter(Boolean)).toEqual([]);
  });

  it('a skip run delivered twice while the slot is held is skipped, never run', async () => {
    const statuses: string[] = [];
    for (let trial = 0; trial < 6; trial++) {
      const { concurrency: c, record } = mappingOfItsOwn('quick.sh', 'skip');
      // A live holder, running for a minute (its record is checked by whoever finds the slot taken), lease fresh.
      const holder = await record(2, (e) => startExecution(e, new Date()));
      const since = new Date(Date.now() - 60_000);
      await h.slots.enter(c.key, 1, { execId: holder.execId, worker: holder.worker }, true, since);
      const run = await record(1);
      await Promise.all([deliver(run.execId), deliver(run.execId)]);
      statuses.push((await h.services.executions.get(run.execId)).status);
    }
    expect(statuses).toEqual(Array(6).fill('skipped'));
  });
});

describe('a run marked lost while its runbook still runs', () => {
  // A worker that only lost touch with storage goes on running the runbook: its slot is kept until the run's timeout.
  it('the next run of a limit-1 mapping does not start while the first one is still running', async () => {
    const { concurrency: c, record } = mappingOfItsOwn('slow.sh', 'queue');
    const first = await record(5);
    const firstDone = deliver(first.execId);
    // Running: then its worker's renewals are lost for a minute (a storage hiccup on that instance): the lease lapses.
    let running = await h.store.get(first.execId);
    for (let i = 0; i < 100 && running?.value.status !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      running = await h.store.get(first.execId);
    }
    expect(running?.value.status).toBe('running');
    await h.store.replaceIf({ ...running!.value, leaseUntil: new Date(Date.now() - 1000).toISOString() }, running!);
    await h.services.sweeper.sweep(quiet);
    expect((await h.services.executions.get(first.execId)).status).toBe('error');
    const second = await record(4);
    expect(await deliver(second.execId)).toBe('waiting');
    await firstDone;
    // The first run's worker recorded its result over "worker lost" and handed the slot on: the wake message comes.
    expect(await deliver(second.execId)).toBe('ran');
    const a = await h.services.executions.get(first.execId);
    const b = await h.services.executions.get(second.execId);
    expect(a.status).toBe('succeeded');
    expect(b.status).toBe('succeeded');
    const [aStart, aEnd] = interval(a);
    const [bStart] = interval(b);
    expect(aStart).toBeLessThan(bStart);
    // Limit 1: the second starts only after the first ended.
    expect(bStart).toBeGreaterThan(aEnd);
    expect((await h.slots.inspect(c.key, 1)).holders).toEqual([]);
  });
});

describe('a mapping whose limit changes while runs wait', () => {
  // Each run keeps the limit it was requested under; a slot handed out under one limit is given back under any.
  it('keeps each run to the limit it was requested under, and frees any slot a leaving run holds', async () => {
    const key = `p|limit-change-${Date.now()}`;
    const [a, b, c] = [3000, 2000, 1000].map((ago) => ({
      execId: newExecId(new Date(Date.now() - ago)),
      worker: 'Runbook',
    })) as [SlotRun, SlotRun, SlotRun];
    // Limit 2: a and b run. Then the limit is lowered to 1: c, requested under it, waits while two run.
    expect((await h.slots.enter(key, 2, a, true, new Date())).holds).toBe(true);
    expect((await h.slots.enter(key, 2, b, true, new Date())).holds).toBe(true);
    expect((await h.slots.enter(key, 1, c, true, new Date())).holds).toBe(false);
    // b leaves slot-001, whichever limit it names: one still runs, so c still waits.
    expect(await h.slots.leave(key, 1, b.execId, new Date())).toEqual([]);
    expect((await h.slots.inspect(key, 1)).holders.map((h) => h.execId)).toEqual([a.execId]);
    expect(await h.slots.leave(key, 2, a.execId, new Date())).toEqual([c]);
    expect((await h.slots.inspect(key, 1)).holders.map((h) => h.execId)).toEqual([c.execId]);
  });
});

describe('a lost wake-up', () => {
  it('is sent again by the next run in line that finds the slot handed to a run that never started', async () => {
    const { concurrency: c, record } = mappingOfItsOwn('quick.sh', 'queue');
    // The head was handed the slot two minutes ago (a holder ended and passed it on), and its wake message was lost.
    const head = await record(3, (e, at) => ({ ...e, waiting: { reason: 'in line', since: at.toISOString() } }));
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    expect(
      (await h.slots.enter(c.key, 1, { execId: head.execId, worker: head.worker }, true, twoMinutesAgo)).holds,
    ).toBe(true);
    const queue = createStorageClients(h.config.storageConnection ?? '', h.config).queues.getQueueClient(
      queueNameForPool(h.config.queuePrefix, head.worker),
    );
    await queue.createIfNotExists();
    await queue.clearMessages();
    const behind = await record(2);
    expect(await deliver(behind.execId)).toBe('waiting');
    const peeked = await queue.peekMessages({ numberOfMessages: 32 });
    const sent = peeked.peekedMessageItems.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString()));
    expect(sent).toContainEqual({ v: 1, execId: head.execId });
    expect(await deliver(head.execId)).toBe('ran');
    expect(await deliver(behind.execId)).toBe('ran');
  });
});
