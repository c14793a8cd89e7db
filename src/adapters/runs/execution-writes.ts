// Execution writes: the record and its index rows in one entity-group transaction, so they never disagree.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Execution } from '../../domain/runs/execution';
import { execRowKey } from '../../domain/runs/exec-id';
import { MAIN_PARTITION, toEntity } from './execution-entity';
import { indexEntities, indexesOf, indexRowKey } from './execution-index';
import { isNotFound, isPreconditionFailed } from '../shared/storage-errors';

// A transaction's limits: 100 operations and a 4 MiB body. A run has at most 8 rows (record + 7 index rows). At worst
// (ADR 0015) the record's JSON is 2.4 MB of output (384 KiB of U+0001, six characters each) and 0.2 MB of alert
// (~100,000 characters of escapes), and each index row a summary without either, under 0.2 MB: about 3.9 MB in all.
const MAX_BODY_BYTES = 4 * 1024 * 1024;
// The multipart envelope around each operation (boundaries, request line, headers).
const PER_OPERATION_BYTES = 1024;

/** Inserts the record with its index rows; returns the record's ETag (a 409 means the record exists). */
export async function insertWithIndex(table: TableClient, e: Execution): Promise<string | undefined> {
  const record = toEntity(e);
  // The record is new, so are its rows (their keys end in its row key): inserts. An upsert would be the same on Azure;
  // Azurite looks each one up twice, at a cost that grows with the partition (docs/performance.md).
  const rows: TransactionAction[] = indexEntities(e, record).map((row) => ['create', row]);
  return submit(table, [['create', record], ...rows]);
}

/**
 * Replaces the record if its ETag still matches, upserting every index row `next` has (they carry the summary) and
 * deleting those only `previous` had. Null when the record changed or is gone.
 */
export async function replaceWithIndex(
  table: TableClient,
  next: Execution,
  previous: { value: Execution; etag: string },
): Promise<{ etag: string | undefined } | null> {
  const record = toEntity(next);
  const update: TransactionAction = ['update', record, 'Replace', { etag: previous.etag }];
  const keep = new Set(indexesOf(next));
  const deletes: TransactionAction[] = indexesOf(previous.value)
    .filter((index) => !keep.has(index))
    .map((index) => ['delete', { partitionKey: MAIN_PARTITION, rowKey: indexRowKey(index, record.rowKey) }]);
  try {
    return { etag: await submit(table, [update, ...upserts(next, record), ...deletes]) };
  } catch (err) {
    // Changed since it was read: another writer got there first, and nothing of ours was written.
    if (isPreconditionFailed(err)) return null;
    if (!isNotFound(err)) throw err;
  }
  // A 404: the record is gone, or it was written before its index rows moved here (see index-upgrade) and has none
  // to delete. Without the deletes, only a missing record still fails.
  try {
    return { etag: await submit(table, [update, ...upserts(next, record)]) };
  } catch (err) {
    if (isPreconditionFailed(err) || isNotFound(err)) return null;
    throw err;
  }
}

/** Writes a record written before its index rows moved here with its index rows, if unchanged since read. */
export async function addIndexRows(table: TableClient, e: Execution, etag: string): Promise<boolean> {
  const key = { partitionKey: MAIN_PARTITION, rowKey: execRowKey(e.execId) };
  try {
    // A merge of no column changes nothing but the ETag: it only makes the transaction conditional on the record.
    await submit(table, [['update', key, 'Merge', { etag }], ...upserts(e, toEntity(e))]);
    return true;
  } catch (err) {
    if (isPreconditionFailed(err) || isNotFound(err)) return false;
    throw err;
  }
}

function upserts(e: Execution, record: Record<string, unknown> & { rowKey: string }): TransactionAction[] {
  return indexEntities(e, record).map((row) => ['upsert', row, 'Replace']);
}

async function submit(table: TableClient, actions: TransactionAction[]): Promise<string | undefined> {
  const bytes = actions.reduce((n, [, entity]) => n + PER_OPERATION_BYTES + jsonBytes(entity), 0);
  // Never sent rather than refused by storage: the caller learns which execution, and why.
  if (bytes > MAX_BODY_BYTES) throw new Error(`execution ${String(actions[0]?.[1].rowKey)} is too large to index`);
  const result = await table.submitTransaction(actions);
  // The record's operation comes first, and so does its answer. The SDK reads the ETag off a multipart line, whose
  // line end an ETag never contains; an empty one falls back to reading the record.
  return result.subResponses[0]?.etag?.trim() || undefined;
}

const jsonBytes = (entity: object) => Buffer.byteLength(JSON.stringify(entity), 'utf8');
