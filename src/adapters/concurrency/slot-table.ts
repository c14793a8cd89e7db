// Concurrency slots in the executions table: one partition per key, holding `slot-NNN` rows and the `line-<execId>`
// rows of runs waiting, changed only by conditional writes and single-partition transactions.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { MAX_CONCURRENCY, type SlotHolder } from '../../domain/concurrency/concurrency';
import { sha256Hex } from '../../domain/shared/hash';
import { AppError } from '../../domain/shared/errors';
import { MAX_LINE_COUNT, type ConcurrencyStore, type SlotRun } from '../../services/concurrency/ports';
import { callStorage, isConflict, isNotFound, isPreconditionFailed } from '../shared/storage-errors';

type SlotRow = { readonly index: number; readonly execId: string; readonly since: string; readonly etag: string };
/** A run in line, with the limit it was requested under (rows written before limits were kept have none). */
type LineRow = SlotRun & { readonly limit: number | null };
type Seen = { readonly slots: ReadonlyMap<number, SlotRow>; readonly line: readonly LineRow[] };

const partitionOf = (key: string): string => `conc|${sha256Hex(key)}`;
const slotKey = (index: number): string => `slot-${String(index).padStart(3, '0')}`;
const lineKey = (execId: string): string => `line-${execId}`;
// Each lost race means another caller moved the line on; these rounds absorb them before the caller is told to retry.
const EXTRA_ROUNDS = 8;

export function createSlotTable(table: TableClient): ConcurrencyStore {
  const at = (key: string) => ({ table, key, pk: partitionOf(key) });
  return {
    enter: (key, limit, run, wait, now) => callStorage(() => enter(at(key), checked(limit), run, wait, now)),
    leave: (key, limit, execId, now) => callStorage(() => leave(at(key), checked(limit), execId, now)),
    inspect: (key, limit) =>
      callStorage(async () => {
        const p = at(key);
        checked(limit);
        const [slots, waiting] = await Promise.all([readSlots(p), countLine(p)]);
        return { holders: holdersOf(slots), waiting };
      }),
  };
}

type Part = { readonly table: TableClient; readonly key: string; readonly pk: string };

async function enter(p: Part, limit: number, run: SlotRun, wait: boolean, now: Date) {
  const before = await readSlots(p);
  if (holdsSlot(before, run.execId)) return { holds: true, woken: [], holders: holdersOf(before), ahead: 0 };
  // The line row keeps the limit the run was requested under: a pump on behalf of another run hands it a slot by it.
  const entry = { partitionKey: p.pk, rowKey: lineKey(run.execId), ...run, limit, key: p.key };
  await p.table.createEntity(entry).catch(ignoreConflict);
  const { woken, seen } = await pump(p, limit, now);
  let holds = holdsSlot(seen.slots, run.execId);
  if (!holds && !wait) {
    // Gone already: a pump elsewhere may have handed it a slot meanwhile, or another delivery of the same run took it
    // out of line. Only a slot row naming the run says which.
    await p.table.deleteEntity(p.pk, lineKey(run.execId)).catch(ignorePreconditionOrMissing);
    holds = holdsSlot(await readSlots(p), run.execId);
  }
  const others = woken.filter((w) => w.execId !== run.execId);
  const ahead = holds || !wait ? 0 : await countLine(p, lineKey(run.execId));
  return { holds, woken: others, holders: holdersOf(seen.slots), ahead };
}

async function leave(p: Part, limit: number, execId: string, now: Date): Promise<readonly SlotRun[]> {
  // Every slot row, whatever this run's limit: a run may have been handed a slot under another run's larger limit.
  const slots = await readSlots(p);
  for (const row of slots.values()) {
    if (row.execId !== execId) continue;
    const freed = { partitionKey: p.pk, rowKey: slotKey(row.index), execId: '', worker: '', since: now.toISOString() };
    // Changed since read: it was freed or handed on by someone else already, and is not ours to give back.
    await p.table.updateEntity(freed, 'Replace', { etag: row.etag }).catch(ignorePreconditionOrMissing);
  }
  await p.table.deleteEntity(p.pk, lineKey(execId)).catch(ignorePreconditionOrMissing);
  return (await pump(p, limit, now)).woken;
}

/** Hands free slots to the head of the line, one transaction each, until no slot is free or nobody waits. */
async function pump(p: Part, limit: number, now: Date): Promise<{ woken: SlotRun[]; seen: Seen }> {
  const woken: SlotRun[] = [];
  for (let round = 0; round < MAX_CONCURRENCY * 2 + EXTRA_ROUNDS; round++) {
    const seen = await readState(p, limit);
    const held = new Set(holdersOf(seen.slots).map((h) => h.execId));
    // A run in line that holds a slot already (its entry written twice) only leaves the line.
    const stale = seen.line.filter((r) => held.has(r.execId));
    await Promise.all(
      stale.map((r) => p.table.deleteEntity(p.pk, lineKey(r.execId)).catch(ignorePreconditionOrMissing)),
    );
    const head = seen.line.find((r) => !held.has(r.execId));
    // The head is handed a slot under the limit it was requested with: a changed limit applies to later runs.
    const free = head ? freeSlot(seen.slots, head.limit ?? limit) : null;
    if (!head || free === null) return { woken, seen };
    const row = seen.slots.get(free);
    const run = { execId: head.execId, worker: head.worker };
    const taken = { partitionKey: p.pk, rowKey: slotKey(free), ...run, since: now.toISOString(), key: p.key };
    const actions: TransactionAction[] = [
      row ? ['update', taken, 'Replace', { etag: row.etag }] : ['create', taken],
      ['delete', { partitionKey: p.pk, rowKey: lineKey(head.execId) }],
    ];
    try {
      await p.table.submitTransaction(actions);
      woken.push(run);
    } catch (err) {
      // Another caller took the slot or moved the head on first: read again.
      if (!isConflict(err) && !isPreconditionFailed(err) && !isNotFound(err)) throw err;
    }
  }
  throw new AppError('busy', 'The concurrency slots are contended by other runs; retry.');
}

async function readState(p: Part, limit: number): Promise<Seen> {
  const [slots, line] = await Promise.all([readSlots(p), readLine(p, limit)]);
  return { slots, line };
}

async function readSlots(p: Part): Promise<Map<number, SlotRow>> {
  const filter = odata`PartitionKey eq ${p.pk} and RowKey ge ${slotKey(0)} and RowKey lt ${slotKey(MAX_CONCURRENCY)}`;
  const rows = new Map<number, SlotRow>();
  const entities = p.table.listEntities<Record<string, unknown>>({
    queryOptions: { filter, select: ['RowKey', 'execId', 'since'] },
  });
  for await (const e of entities) {
    const index = Number.parseInt(String(e.rowKey).slice('slot-'.length), 10);
    const execId = typeof e['execId'] === 'string' ? e['execId'] : '';
    rows.set(index, { index, execId, since: typeof e['since'] === 'string' ? e['since'] : '', etag: e.etag });
  }
  return rows;
}

async function readLine(p: Part, max: number): Promise<LineRow[]> {
  const filter = odata`PartitionKey eq ${p.pk} and RowKey ge ${'line-'} and RowKey lt ${'line.'}`;
  const line: LineRow[] = [];
  const pages = p.table
    .listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ['execId', 'worker', 'limit'] } })
    .byPage({ maxPageSize: max });
  for await (const page of pages) {
    for (const e of page) {
      const limit = typeof e['limit'] === 'number' && e['limit'] >= 1 ? Math.min(e['limit'], MAX_CONCURRENCY) : null;
      line.push({ execId: String(e['execId'] ?? ''), worker: String(e['worker'] ?? ''), limit });
    }
    if (line.length >= max) break;
  }
  return line.slice(0, max);
}

/** Runs in line, or only those before `beforeKey`; counted up to MAX_LINE_COUNT. */
async function countLine(p: Part, beforeKey = 'line.'): Promise<number> {
  const filter = odata`PartitionKey eq ${p.pk} and RowKey ge ${'line-'} and RowKey lt ${beforeKey}`;
  let count = 0;
  for await (const page of p.table.listEntities({ queryOptions: { filter, select: ['RowKey'] } }).byPage()) {
    count += page.length;
    if (count >= MAX_LINE_COUNT) return MAX_LINE_COUNT;
  }
  return count;
}

/** A free slot below `limit`, if fewer than `limit` runs hold one (holders above it count, after a limit was lowered). */
function freeSlot(slots: ReadonlyMap<number, SlotRow>, limit: number): number | null {
  if (holdersOf(slots).length >= limit) return null;
  for (let i = 0; i < limit; i++) if ((slots.get(i)?.execId ?? '') === '') return i;
  return null;
}

const holdsSlot = (slots: ReadonlyMap<number, SlotRow>, execId: string): boolean =>
  [...slots.values()].some((r) => r.execId === execId);

function holdersOf(slots: ReadonlyMap<number, SlotRow>): SlotHolder[] {
  return [...slots.values()].filter((r) => r.execId !== '').map((r) => ({ execId: r.execId, since: r.since }));
}

function checked(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CONCURRENCY)
    throw new RangeError(`concurrency limit must be an integer from 1 to ${MAX_CONCURRENCY}: ${limit}`);
  return limit;
}

function ignoreConflict(err: unknown): void {
  if (!isConflict(err)) throw err;
}

function ignorePreconditionOrMissing(err: unknown): void {
  if (!isPreconditionFailed(err) && !isNotFound(err)) throw err;
}
