// Execution table: records keyed by inverted time, plus index partitions so filtered listings never scan history.
import { odata, type TableClient } from '@azure/data-tables';
import { createHash, randomBytes } from 'node:crypto';
import type { Execution } from '../domain/execution';
import { execIdFromRowKey, execRowKey, rowKeyRange } from '../domain/exec-id';
import type { ExecutionPage, ExecutionQuery, ExecutionStore, Versioned } from '../services/ports';
import { fromEntity, MAIN_PARTITION, SUMMARY_COLUMNS, toEntity } from './execution-entity';
import { isNotFound, isPreconditionFailed, storageCall } from './storage-errors';

const REJECTED = 'rejected';

// One index row per (dimension, execution): status, mapping, both, trigger kind, and alert rule (full and short).
export function indexPartitions(e: Pick<Execution, 'status' | 'mappingId' | 'trigger' | 'alert'>): string[] {
  const rules = new Set([e.alert?.rule, e.alert?.ruleName].filter((r): r is string => !!r));
  return [
    `s|${e.status}`,
    `m|${e.mappingId}`,
    `ms|${e.mappingId}|${e.status}`,
    `t|${e.trigger}`,
    ...[...rules].map(rulePartition),
  ];
}

// Rule names come from senders: hashed, any rule (long, or with '/', '#' or a lone surrogate) is a valid key.
const rulePartition = (rule: string) => `r|${createHash('sha256').update(rule).digest('hex')}`;

// The most selective index serves the query; any other filter is applied to the records it points at.
function queryPartition(q: ExecutionQuery): string {
  if (q.status && q.mappingId) return `ms|${q.mappingId}|${q.status}`;
  if (q.rule) return rulePartition(q.rule);
  if (q.mappingId) return `m|${q.mappingId}`;
  if (q.status) return `s|${q.status}`;
  if (q.trigger) return `t|${q.trigger}`;
  return MAIN_PARTITION;
}

export function createExecutionTable(table: TableClient): ExecutionStore {
  const index = indexWriter(table);
  return {
    create: (e) =>
      storageCall(async () => {
        // Index rows first, the record last: a failure leaves at most index rows, which listings skip.
        await index.put(e, indexPartitions(e));
        const { etag } = await table.createEntity(toEntity(e));
        return etag ? { value: e, etag } : mustRead(table, e.execId);
      }),
    get: (execId) => storageCall(() => readMain(table, execRowKey(execId))),
    replaceIf: (next, previous) => storageCall(() => replaceIf(table, index, next, previous)),
    removeIfUnchanged: (current) =>
      storageCall(async () => {
        try {
          await table.deleteEntity(MAIN_PARTITION, execRowKey(current.value.execId), { etag: current.etag });
        } catch (err) {
          if (isPreconditionFailed(err)) return false;
          if (!isNotFound(err)) throw err;
        }
        await index.drop(current.value.execId, indexPartitions(current.value));
        return true;
      }),
    list: (q) => storageCall(() => listExecutions(table, q)),
    recordRejectedMessage: (r) =>
      storageCall(async () => {
        const rowKey = `${r.receivedAt}-${randomBytes(4).toString('hex')}`;
        await table.createEntity({ partitionKey: REJECTED, rowKey, ...r });
      }),
  };
}

type IndexWriter = ReturnType<typeof indexWriter>;

function indexWriter(table: TableClient) {
  return {
    put: (e: Execution, pks: readonly string[]) =>
      Promise.all(pks.map((pk) => table.upsertEntity({ partitionKey: pk, rowKey: execRowKey(e.execId) }, 'Replace'))),
    /** Best effort: a row left behind is skipped by listings, so a failure here must not fail the caller. */
    drop: async (execId: string, pks: readonly string[]) => {
      await Promise.all(pks.map((pk) => table.deleteEntity(pk, execRowKey(execId)))).catch(() => undefined);
    },
  };
}

async function replaceIf(
  table: TableClient,
  index: IndexWriter,
  next: Execution,
  previous: Versioned<Execution>,
): Promise<Versioned<Execution> | null> {
  const before = indexPartitions(previous.value);
  const after = indexPartitions(next);
  // New index rows first: a reader may see a stale row (filtered out on read), never a missing one.
  await index.put(
    next,
    after.filter((pk) => !before.includes(pk)),
  );
  let etag: string | undefined;
  try {
    ({ etag } = await table.updateEntity(toEntity(next), 'Replace', { etag: previous.etag }));
  } catch (err) {
    if (isPreconditionFailed(err)) return null;
    throw err;
  }
  // The write is committed: failing now would make the caller redo work that already happened.
  await index.drop(
    next.execId,
    before.filter((pk) => !after.includes(pk)),
  );
  // Never fall back to '*': an unconditional ETag would defeat the next conditional write.
  return etag ? { value: next, etag } : mustRead(table, next.execId);
}

async function mustRead(table: TableClient, execId: string): Promise<Versioned<Execution>> {
  const found = await readMain(table, execRowKey(execId));
  if (!found) throw new Error(`execution ${execId} vanished right after it was written`);
  return found;
}

async function readMain(table: TableClient, rowKey: string): Promise<Versioned<Execution> | null> {
  try {
    const entity = await table.getEntity(MAIN_PARTITION, rowKey);
    return { value: fromEntity(entity), etag: entity.etag };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function listExecutions(table: TableClient, q: ExecutionQuery): Promise<ExecutionPage> {
  const partition = queryPartition(q);
  const { rowKeys, continuation } = await pageOfRowKeys(table, partition, q);
  if (partition === MAIN_PARTITION)
    return { items: rowKeys.map((r) => r.entity).map(fromEntity), ...cont(continuation) };
  // Index rows point at records; the record is the truth, so rows left behind by a status change are skipped.
  const records = await Promise.all(rowKeys.map((r) => readSummary(table, r.rowKey)));
  const items = records.filter((e): e is Execution => e !== null && matches(e, q));
  return { items, ...cont(continuation) };
}

async function pageOfRowKeys(table: TableClient, partition: string, q: ExecutionQuery) {
  const range = rowKeyRange(q.since, q.until);
  const after = q.afterExecId ? execRowKey(q.afterExecId) : undefined;
  let filter = odata`PartitionKey eq ${partition}`;
  if (range.from) filter += odata` and RowKey ge ${range.from}`;
  if (range.before) filter += odata` and RowKey lt ${range.before}`;
  if (after) filter += odata` and RowKey gt ${after}`;
  const select = partition === MAIN_PARTITION ? ['RowKey', ...SUMMARY_COLUMNS] : ['RowKey'];
  const rows: { rowKey: string; entity: Record<string, unknown> }[] = [];
  const pages = table.listEntities({ queryOptions: { filter, select } }).byPage({ maxPageSize: q.limit });
  for await (const page of pages) {
    for (const entity of page) if (rows.length < q.limit) rows.push({ rowKey: String(entity.rowKey), entity });
    if (rows.length >= q.limit) break;
  }
  const last = rows.at(-1);
  return { rowKeys: rows, continuation: rows.length >= q.limit && last ? execIdFromRowKey(last.rowKey) : undefined };
}

async function readSummary(table: TableClient, rowKey: string): Promise<Execution | null> {
  try {
    return fromEntity(await table.getEntity(MAIN_PARTITION, rowKey, { queryOptions: { select: SUMMARY_COLUMNS } }));
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

const matches = (e: Execution, q: ExecutionQuery) =>
  (!q.status || e.status === q.status) &&
  (!q.mappingId || e.mappingId === q.mappingId) &&
  (!q.trigger || e.trigger === q.trigger) &&
  (!q.rule || e.alert?.rule === q.rule || e.alert?.ruleName === q.rule);

const cont = (lastExecId: string | undefined) => (lastExecId ? { lastExecId } : {});
