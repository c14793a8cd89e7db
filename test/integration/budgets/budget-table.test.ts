// Run budgets on real Table storage: exact counts under concurrency, a sliding window, releases, odd keys.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBudgetTable } from '../../../src/adapters/budgets/budget-table';
import { newExecId } from '../../../src/domain/runs/exec-id';
import type { BudgetStore, BudgetTake } from '../../../src/services/oncall/ports';
import { uniqueName } from '../../support/unique-names';

const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('budget'), {
  allowInsecureConnection: true,
});
const store: BudgetStore = createBudgetTable(table);
const t0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(t0 + seconds * 1000);
let keySeq = 0;
const freshKey = (): string => `p|mapping-${++keySeq}-${Date.now()}`;

beforeAll(async () => table.createTable());
afterAll(async () => table.deleteTable());

async function takeAt(key: string, count: number, window: number, seconds: number, s: BudgetStore = store) {
  const now = at(seconds);
  const execId = newExecId(now);
  return { execId, result: await s.take(key, count, window, execId, now) };
}

const granted = (results: readonly BudgetTake[]): number => results.filter((r) => r.ok).length;

describe('budget table', () => {
  it('grants count takes, then refuses with the runs in the window, oldest first', async () => {
    const key = freshKey();
    const ids: string[] = [];
    for (const s of [0, 1, 2]) {
      const { execId, result } = await takeAt(key, 3, 60, s);
      expect(result.ok).toBe(true);
      ids.push(execId);
    }
    const { result } = await takeAt(key, 3, 60, 3);
    expect(result).toEqual({
      ok: false,
      recent: [0, 1, 2].map((s, i) => ({ execId: ids[i], usedAt: at(s).toISOString() })),
    });
  });

  it('slides the window: a slot frees once its run is older than the window', async () => {
    const key = freshKey();
    for (const s of [0, 10, 20]) expect((await takeAt(key, 3, 30, s)).result.ok).toBe(true);
    expect((await takeAt(key, 3, 30, 29)).result.ok).toBe(false);
    expect((await takeAt(key, 3, 30, 31)).result.ok).toBe(true);
    const refused = (await takeAt(key, 3, 30, 31)).result;
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.recent.map((u) => u.usedAt)).toEqual([10, 20, 31].map((s) => at(s).toISOString()));
  });

  it('grants exactly count of many concurrent takes, round after round', async () => {
    const key = freshKey();
    // Round one races on inserts; later rounds, past the window, race on replacing expired rows.
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => takeAt(key, 5, 60, round * 61).then((r) => r.result)),
      );
      expect(granted(results)).toBe(5);
    }
  });

  it('grants exactly count across separate store instances racing on a fresh key', async () => {
    const key = freshKey();
    const stores = [store, createBudgetTable(table), createBudgetTable(table)];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => takeAt(key, 5, 60, 0, stores[i % 3]).then((r) => r.result)),
    );
    expect(granted(results)).toBe(5);
  });

  it('gives a released slot back', async () => {
    const key = freshKey();
    const first = (await takeAt(key, 1, 60, 0)).result;
    expect((await takeAt(key, 1, 60, 1)).result.ok).toBe(false);
    if (!first.ok) throw new Error('first take refused');
    await first.release();
    await first.release();
    expect((await takeAt(key, 1, 60, 2)).result.ok).toBe(true);
    expect((await takeAt(key, 1, 60, 3)).result.ok).toBe(false);
  });

  it('keeps each key to its own budget', async () => {
    const [a, b] = [freshKey(), freshKey()];
    expect((await takeAt(a, 1, 60, 0)).result.ok).toBe(true);
    expect((await takeAt(b, 1, 60, 0)).result.ok).toBe(true);
    expect((await takeAt(a, 1, 60, 1)).result.ok).toBe(false);
    expect((await takeAt(b, 1, 60, 1)).result.ok).toBe(false);
  });

  it('accepts keys with characters row keys forbid', async () => {
    const keys = ['p/m/x', 'p#m', 'p?m=1', 'p\\m', 'pé|мап|🚨', ''].map((k) => `${k}-${Date.now()}`);
    for (const key of keys) {
      expect((await takeAt(key, 1, 60, 0)).result.ok).toBe(true);
      expect((await takeAt(key, 1, 60, 1)).result.ok).toBe(false);
    }
  });

  it('keeps the budget in storage: another store instance sees it', async () => {
    const key = freshKey();
    const { execId } = await takeAt(key, 1, 60, 0);
    const refused = (await takeAt(key, 1, 60, 1, createBudgetTable(table))).result;
    expect(refused).toEqual({ ok: false, recent: [{ execId, usedAt: at(0).toISOString() }] });
  });
});
