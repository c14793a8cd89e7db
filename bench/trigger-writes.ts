// The storage calls a manual trigger makes, read back from a runtime's tables and replayed with no ClouDO code: the
// mapping's point read, the audit record with its copies, the run's record with its index rows, the queue message.
import type { TableClient, TableEntity, TableEntityResult, TransactionAction } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';

type Row = TableEntity<Record<string, unknown>>;

/** One trigger's writes: rows of the runtime's tables, each group written by the trigger in one transaction. */
export type TriggerWrites = { readonly mapping: Row; readonly audit: readonly Row[]; readonly run: readonly Row[] };

/** The writes of the newest trigger in the tables (a runtime whose worker took nothing writes nothing else). */
export async function readTriggerWrites(mappings: TableClient, executions: TableClient): Promise<TriggerWrites> {
  const rows: Row[] = [];
  for await (const row of executions.listEntities<Record<string, unknown>>()) rows.push(stripped(row));
  const mapping = await firstRow(mappings);
  if (!mapping) throw new Error('the runtime has no mapping to read');
  return { mapping, audit: newestGroup(rows, 'audit'), run: newestGroup(rows, 'x') };
}

/** The calls of one trigger on tables and a queue of their own, with keys of their own each time. */
export function replayTriggerWrites(
  writes: TriggerWrites,
  to: { mappings: TableClient; executions: TableClient; queue: QueueClient },
) {
  let n = 0;
  return async (): Promise<void> => {
    const suffix = `.${n++}`;
    await to.mappings.getEntity(writes.mapping.partitionKey, writes.mapping.rowKey);
    await to.executions.submitTransaction(rekeyed(writes.audit, suffix));
    await to.executions.submitTransaction(rekeyed(writes.run, suffix));
    await to.queue.sendMessage(Buffer.from(`{"v":1,"execId":"${suffix}"}`).toString('base64'));
  };
}

/** The mapping row, written where the replay reads it. */
export const seedMapping = (writes: TriggerWrites, mappings: TableClient) => mappings.upsertEntity(writes.mapping);

// Rows are listed in key order, and a partition's records (inverted time, digits) sort before the copies and index
// rows that end in their key: the first row is the newest record, and the rows ending in its key are its group.
function newestGroup(rows: readonly Row[], partition: string): Row[] {
  const inPartition = rows.filter((r) => r.partitionKey === partition);
  const newest = inPartition[0];
  if (!newest) throw new Error(`the runtime wrote nothing in partition ${partition}`);
  return [newest, ...inPartition.filter((r) => r.rowKey.endsWith(`|${newest.rowKey}`))];
}

function rekeyed(rows: readonly Row[], suffix: string): TransactionAction[] {
  return rows.map((r) => ['create', { ...r, rowKey: r.rowKey + suffix }]);
}

async function firstRow(table: TableClient): Promise<Row | undefined> {
  for await (const row of table.listEntities<Record<string, unknown>>()) return stripped(row);
  return undefined;
}

/** The row as written: without what storage adds (ETag, timestamp). */
function stripped(row: TableEntityResult<Record<string, unknown>>): Row {
  const written: Record<string, unknown> = { ...row };
  delete written['etag'];
  delete written['timestamp'];
  return { ...written, partitionKey: row.partitionKey ?? '', rowKey: row.rowKey ?? '' };
}
