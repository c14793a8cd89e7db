// Audit upkeep: retention (a record and its copies deleted together) and moving copies from the earlier layout.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { execIdFromRowKey, toRowKeyRange } from '../../domain/runs/exec-id';
import { ignoreNotFound, isNotFound } from '../shared/storage-errors';
import {
  AUDIT_PARTITION,
  auditRowKeys,
  LEGACY_AFTER_LAST,
  LEGACY_FIRST,
  legacyRowKey,
  olderThan,
  type AuditFilterRow,
} from './audit-keys';

// A transaction holds at most 100 operations.
const BATCH = 100;

type Row = AuditFilterRow & { readonly partitionKey: string; readonly rowKey: string };

/** Deletes records older than `cutoff` with their copies, at most `max` rows; how many went. */
export async function pruneRecords(table: TableClient, cutoff: Date, max: number): Promise<number> {
  const { from = '' } = toRowKeyRange(undefined, cutoff);
  const range = olderThan(from);
  const filter = odata`PartitionKey eq ${AUDIT_PARTITION} and RowKey gt ${range.gt} and RowKey lt ${range.lt}`;
  let deleted = 0;
  for await (const r of rows(table, filter, max)) {
    if (deleted >= max) break;
    deleted += await deleteRecord(table, r);
  }
  // Rows of the earlier layout that nobody moved yet: deleted by age, as before.
  const legacy = odata`PartitionKey ge ${LEGACY_FIRST} and PartitionKey lt ${LEGACY_AFTER_LAST} and RowKey gt ${from}`;
  for await (const r of rows(table, legacy, max - deleted)) {
    if (deleted >= max) break;
    await table.deleteEntity(r.partitionKey, r.rowKey).catch(ignoreNotFound);
    deleted++;
  }
  return deleted;
}

async function deleteRecord(table: TableClient, r: Row): Promise<number> {
  const keys = auditRowKeys(execIdFromRowKey(r.rowKey), r);
  try {
    await table.submitTransaction(keys.map((rowKey) => ['delete', { partitionKey: AUDIT_PARTITION, rowKey }]));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    // A record whose copies are elsewhere (written before they moved here) or partly gone: one row at a time.
    for (const rowKey of keys) await table.deleteEntity(AUDIT_PARTITION, rowKey).catch(ignoreNotFound);
  }
  return keys.length;
}

/**
 * Moves up to `max` copies written in the earlier layout (a partition per actor, action and mapping) to their
 * place in the audit partition; how many went. A copy whose record is gone (pruned, or never written whole) is only
 * deleted: moved, nothing would ever prune it. Once none are left, this is one query that finds nothing.
 */
export async function moveLegacyCopies(table: TableClient, max: number): Promise<number> {
  const filter = odata`PartitionKey ge ${LEGACY_FIRST} and PartitionKey lt ${LEGACY_AFTER_LAST}`;
  const byPartition = new Map<string, Record<string, unknown>[]>();
  for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
    const pk = String(row.partitionKey);
    byPartition.set(pk, [...(byPartition.get(pk) ?? []), row]);
    if (--max <= 0) break;
  }
  let moved = 0;
  for (const [pk, list] of byPartition) {
    const kept = await withRecord(table, list);
    // Written before the old rows go: a crash in between leaves a row twice, which the next round settles.
    for (const part of bySize(kept.map((row) => relocated(row, pk))))
      await table.submitTransaction(part.map((row) => ['upsert', row] satisfies TransactionAction));
    for (let i = 0; i < list.length; i += BATCH) {
      const part = list.slice(i, i + BATCH);
      await table.submitTransaction(part.map((row) => ['delete', { partitionKey: pk, rowKey: String(row.rowKey) }]));
    }
    moved += list.length;
  }
  return moved;
}

async function withRecord(table: TableClient, rows: Record<string, unknown>[]) {
  const exists = (row: Record<string, unknown>) =>
    table
      .getEntity(AUDIT_PARTITION, String(row.rowKey), { queryOptions: { select: ['RowKey'] } })
      .then(() => true)
      .catch((err: unknown) => (isNotFound(err) ? false : Promise.reject(err)));
  const found: boolean[] = [];
  for (let i = 0; i < rows.length; i += READS_AT_ONCE)
    found.push(...(await Promise.all(rows.slice(i, i + READS_AT_ONCE).map(exists))));
  return rows.filter((_, i) => found[i]);
}

const READS_AT_ONCE = 50;

// A transaction's body is at most 4 MiB, and a copy holds a record of up to 30,000 characters (as much as 90 KB).
const MAX_TRANSACTION_BYTES = 2 * 1024 * 1024;

function bySize<T extends object>(rows: readonly T[]): T[][] {
  const parts: T[][] = [];
  let bytes = Infinity;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify(row), 'utf8') + 1024;
    if (bytes + size > MAX_TRANSACTION_BYTES || (parts.at(-1)?.length ?? 0) >= BATCH) {
      parts.push([]);
      bytes = 0;
    }
    parts.at(-1)?.push(row);
    bytes += size;
  }
  return parts;
}

function relocated(row: Record<string, unknown>, pk: string) {
  // Only the record's own columns: the keys are new, and the ETag and timestamp belong to the old row.
  const columns = Object.fromEntries(Object.entries(row).filter(([k]) => COLUMNS.has(k)));
  return { ...columns, partitionKey: AUDIT_PARTITION, rowKey: legacyRowKey(pk, String(row.rowKey)) };
}

const COLUMNS: ReadonlySet<string> = new Set(['actorId', 'action', 'mapping', 'record']);

async function* rows(table: TableClient, filter: string, max: number): AsyncGenerator<Row> {
  if (max <= 0) return;
  const select = ['PartitionKey', 'RowKey', 'actorId', 'action', 'mapping'];
  const pages = table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } });
  for await (const page of pages.byPage({ maxPageSize: Math.min(max, 1000) })) {
    for (const e of page) {
      yield {
        partitionKey: String(e.partitionKey),
        rowKey: String(e.rowKey),
        actorId: String(e['actorId'] ?? ''),
        action: String(e['action'] ?? ''),
        mapping: String(e['mapping'] ?? ''),
      };
    }
  }
}
