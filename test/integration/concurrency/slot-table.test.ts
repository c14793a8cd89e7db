// Concurrency slots on real Table storage: limits held under racing callers, the line served in arrival order.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSlotTable } from '../../../src/adapters/concurrency/slot-table';
import { newExecId } from '../../../src/domain/runs/exec-id';
import type { ConcurrencyStore, SlotRun } from '../../../src/services/concurrency/ports';
import { uniqueName } from '../../support/unique-names';

const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('slots'), {
  allowInsecureConnection: true,
});
const store: ConcurrencyStore = createSlotTable(table);
const t0 = Date.parse('2026-03-01T00:00:00.000Z');
const now = new Date(t0);
let keySeq = 0;
const freshKey = (): string => `p|mapping/${++keySeq}#?-${Date.now()}`;
// Execution ids sort by request time: run i was requested i ms after t0.
const runs = (n: number): SlotRun[] =>
  Array.from({ length: n }, (_, i) => ({ execId: newExecId(new Date(t0 + i)), worker: 'default' }));

beforeAll(async () => table.createTable());
afterAll(async () => table.deleteTable());

describe('concurrency slot table', () => {
  it('grants `limit` slots, then puts runs in line and says how many are ahead', async () => {
    const key = freshKey();
    const [a, b, c, d] = runs(4) as [SlotRun, SlotRun, SlotRun, SlotRun];
    expect((await store.enter(key, 2, a, true, now)).holds).toBe(true);
    expect((await store.enter(key, 2, b, true, now)).holds).toBe(true);
    const third = await store.enter(key, 2, c, true, now);
    expect(third).toMatchObject({ holds: false, ahead: 0, woken: [] });
    expect(third.holders.map((h) => h.execId).sort()).toEqual([a.execId, b.execId].sort());
    expect((await store.enter(key, 2, d, true, now)).ahead).toBe(1);
    expect(await store.inspect(key, 2)).toMatchObject({ waiting: 2 });
    // Entering again changes nothing: one place in line.
    expect((await store.enter(key, 2, d, true, now)).ahead).toBe(1);
    expect((await store.inspect(key, 2)).waiting).toBe(2);
  });

  it('hands a freed slot to the head of the line, which then holds it', async () => {
    const key = freshKey();
    const [a, b, c] = runs(3) as [SlotRun, SlotRun, SlotRun];
    await store.enter(key, 1, a, true, now);
    await store.enter(key, 1, c, true, now);
    await store.enter(key, 1, b, true, now);
    // b was requested before c: it is first in line, whoever entered first.
    expect(await store.leave(key, 1, a.execId, now)).toEqual([b]);
    expect((await store.enter(key, 1, b, true, now)).holds).toBe(true);
    expect(await store.leave(key, 1, b.execId, now)).toEqual([c]);
    expect(await store.leave(key, 1, c.execId, now)).toEqual([]);
    expect(await store.inspect(key, 1)).toEqual({ holders: [], waiting: 0 });
  });

  it('skips without a place in line when `wait` is false', async () => {
    const key = freshKey();
    const [a, b] = runs(2) as [SlotRun, SlotRun];
    await store.enter(key, 1, a, false, now);
    expect(await store.enter(key, 1, b, false, now)).toMatchObject({ holds: false, ahead: 0 });
    expect((await store.inspect(key, 1)).waiting).toBe(0);
    expect(await store.leave(key, 1, a.execId, now)).toEqual([]);
    expect((await store.enter(key, 1, b, false, now)).holds).toBe(true);
  });

  it('leaving from the line, or twice, or without a slot is harmless', async () => {
    const key = freshKey();
    const [a, b, c] = runs(3) as [SlotRun, SlotRun, SlotRun];
    await store.enter(key, 1, a, true, now);
    await store.enter(key, 1, b, true, now);
    await store.enter(key, 1, c, true, now);
    expect(await store.leave(key, 1, b.execId, now)).toEqual([]);
    expect(await store.leave(key, 1, b.execId, now)).toEqual([]);
    expect(await store.leave(key, 1, a.execId, now)).toEqual([c]);
    expect(await store.leave(key, 1, a.execId, now)).toEqual([]);
  });

  it('keeps the limit, and serves everyone once in arrival order, when racing instances enter and leave', async () => {
    const key = freshKey();
    const limit = 2;
    const all = runs(16);
    const stores = [store, createSlotTable(table), createSlotTable(table)];
    const entries = await Promise.all(all.map((r, i) => stores[i % 3]!.enter(key, limit, r, true, now)));
    const holding = all.filter((_, i) => entries[i]!.holds);
    expect(holding).toHaveLength(limit);
    // Each release wakes at most the next in line; racing releases never hand one slot to two runs.
    const served: string[] = holding.map((r) => r.execId);
    let active = [...holding];
    while (active.length > 0) {
      const woken = (await Promise.all(active.map((r, i) => stores[i % 3]!.leave(key, limit, r.execId, now)))).flat();
      expect((await store.inspect(key, limit)).holders.length).toBeLessThanOrEqual(limit);
      // Racing leaves each return the runs their own hand-offs woke, in whichever order the calls return: one round
      // hands out the next runs in line, so the round is compared as a set, in line order.
      served.push(...woken.map((w) => w.execId).sort());
      active = [...woken];
    }
    expect(served).toHaveLength(all.length);
    expect(new Set(served).size).toBe(all.length);
    const waited = served.slice(limit);
    expect(waited).toEqual([...waited].sort());
  });

  it('treats keys with any characters as their own', async () => {
    const [a, b] = runs(2) as [SlotRun, SlotRun];
    expect((await store.enter('p|a/b', 1, a, true, now)).holds).toBe(true);
    expect((await store.enter('p|a#b', 1, b, true, now)).holds).toBe(true);
    await expect(store.enter('p|x', 0, a, true, now)).rejects.toThrow(RangeError);
  });
});
