// Run budgets in the executions table: one row per slot, spent and given back only by conditional writes.
import { odata, type TableClient } from '@azure/data-tables';
import { randomInt } from 'node:crypto';
import { MAX_BUDGET_COUNT, type BudgetUse } from '../../domain/budgets/budget';
import { AppError } from '../../domain/shared/errors';
import { sha256Hex } from '../../domain/shared/hash';
import type { BudgetStore, BudgetTake } from '../../services/oncall/ports';
import type { BudgetReader } from '../../services/mappings/ports';
import { isConflict, isNotFound, isPreconditionFailed, callStorage } from '../shared/storage-errors';

// A released slot reads as used at the epoch: outside every window, so free again.
const EPOCH = new Date(0).toISOString();
// Each lost race means another take spent a slot, so `count` losses exhaust the budget; the rest absorbs releases.
const EXTRA_ROUNDS = 5;

type SlotRow = { readonly index: number; readonly execId: string; readonly usedAt: string; readonly etag: string };
type SlotEntity = { partitionKey: string; rowKey: string; execId: string; usedAt: string; key: string };

// Keys may hold characters row keys forbid ('/', '#', '?'): the hash makes any key a valid partition.
const partitionOf = (key: string): string => `budget|${sha256Hex(key)}`;
const slotKey = (index: number): string => `slot-${String(index).padStart(3, '0')}`;

export function createBudgetTable(table: TableClient): BudgetStore {
  return {
    take: (key, count, windowSeconds, execId, now) =>
      callStorage(() => take(table, { key, count, windowSeconds, execId, now })),
  };
}

/** The slots in the window: the same rows and rule a take reads, so the console shows what a take would find. */
export function createBudgetReader(table: TableClient): BudgetReader {
  return {
    used: (key, count, windowSeconds, now) =>
      callStorage(async () => {
        const free = freeSlots(await readSlots(table, key, count), count, now.getTime() - windowSeconds * 1000);
        return count - free.length;
      }),
  };
}

type TakeRequest = {
  readonly key: string;
  readonly count: number;
  readonly windowSeconds: number;
  readonly execId: string;
  readonly now: Date;
};

async function take(table: TableClient, req: TakeRequest): Promise<BudgetTake> {
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > MAX_BUDGET_COUNT) {
    throw new RangeError(`budget count must be an integer from 1 to ${MAX_BUDGET_COUNT}: ${req.count}`);
  }
  const cutoff = req.now.getTime() - req.windowSeconds * 1000;
  for (let round = 0; round < req.count + EXTRA_ROUNDS; round++) {
    const rows = await readSlots(table, req.key, req.count);
    const free = freeSlots(rows, req.count, cutoff);
    if (free.length === 0) return { ok: false, recent: recentUses(rows) };
    // A random free slot spreads concurrent takes over the free slots instead of all racing for the first.
    const index = free[randomInt(free.length)] ?? 0;
    const entity = slotEntity(req.key, index, req.execId, req.now.toISOString());
    const etag = await claim(table, entity, rows.get(index)?.etag ?? null);
    if (etag !== null) return { ok: true, release: () => callStorage(() => release(table, entity, etag)) };
  }
  throw new AppError('busy', 'The run budget is contended by other requests; retry.');
}

async function readSlots(table: TableClient, key: string, count: number): Promise<Map<number, SlotRow>> {
  const filter = odata`PartitionKey eq ${partitionOf(key)} and RowKey ge ${slotKey(0)} and RowKey lt ${slotKey(count)}`;
  const rows = new Map<number, SlotRow>();
  const entities = table.listEntities<Record<string, unknown>>({
    queryOptions: { filter, select: ['RowKey', 'execId', 'usedAt'] },
  });
  for await (const e of entities) {
    const index = Number.parseInt(String(e.rowKey).slice('slot-'.length), 10);
    if (!Number.isInteger(index) || index < 0 || index >= count) continue;
    const execId = typeof e['execId'] === 'string' ? e['execId'] : '';
    // A row we cannot read counts as free: the conditional write replaces it rather than blocking the slot forever.
    const usedAt = typeof e['usedAt'] === 'string' && !Number.isNaN(Date.parse(e['usedAt'])) ? e['usedAt'] : EPOCH;
    rows.set(index, { index, execId, usedAt, etag: e.etag });
  }
  return rows;
}

function freeSlots(rows: ReadonlyMap<number, SlotRow>, count: number, cutoff: number): number[] {
  const free: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = rows.get(i);
    if (!row || Date.parse(row.usedAt) <= cutoff) free.push(i);
  }
  return free;
}

// Called only when no slot is free, so every row present is in the window.
function recentUses(rows: ReadonlyMap<number, SlotRow>): BudgetUse[] {
  return [...rows.values()]
    .map((r) => ({ execId: r.execId, usedAt: r.usedAt }))
    .sort((a, b) => a.usedAt.localeCompare(b.usedAt) || a.execId.localeCompare(b.execId));
}

function slotEntity(key: string, index: number, execId: string, usedAt: string): SlotEntity {
  return { partitionKey: partitionOf(key), rowKey: slotKey(index), execId, usedAt, key };
}

/** The new row's etag when the slot was ours to take, or null when another take got there first. */
async function claim(table: TableClient, entity: SlotEntity, etag: string | null): Promise<string | null> {
  try {
    const res =
      etag === null ? await table.createEntity(entity) : await table.updateEntity(entity, 'Replace', { etag });
    // Storage always answers with an etag; without one the slot stays spent, as a release could not be conditional.
    return res.etag ?? '';
  } catch (err) {
    if (isConflict(err) || isPreconditionFailed(err)) return null;
    throw err;
  }
}

async function release(table: TableClient, entity: SlotEntity, etag: string): Promise<void> {
  if (etag === '') return;
  try {
    await table.updateEntity({ ...entity, usedAt: EPOCH }, 'Replace', { etag });
  } catch (err) {
    // Changed or gone since the claim: the slot was already freed or reused, and is not ours to give back.
    if (!isPreconditionFailed(err) && !isNotFound(err)) throw err;
  }
}
