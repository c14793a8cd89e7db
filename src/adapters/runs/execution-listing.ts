// Execution listing: newest first, through index partitions so a page costs the same whatever the history.
import { odata, type TableClient } from '@azure/data-tables';
import type { Execution } from '../../domain/runs/execution';
import { execIdFromRowKey, execRowKey, toRowKeyRange } from '../../domain/runs/exec-id';
import { sha256Hex } from '../../domain/shared/hash';
import { isUndelivered } from '../../domain/oncall/notification';
import type { ExecutionPage, ExecutionQuery } from '../../services/runs/ports';
import { fromEntity, MAIN_PARTITION, SUMMARY_COLUMNS } from './execution-entity';
import { allowMissing } from '../shared/storage-errors';

// One index row per (dimension, execution): status, mapping, both, trigger kind, and alert rule (full and short).
// Plus one row while a notification is owed, so the notifier timer reads only those.
export function indexPartitions(
  e: Pick<Execution, 'status' | 'mappingId' | 'trigger' | 'alert' | 'notifications'>,
): string[] {
  const rules = new Set([e.alert?.rule, e.alert?.ruleName].filter((r): r is string => !!r));
  return [
    statusPartition(e.status),
    `m|${e.mappingId}`,
    `ms|${e.mappingId}|${e.status}`,
    `t|${e.trigger}`,
    ...[...rules].map(rulePartition),
    ...(owesNotification(e) ? [OWED] : []),
  ];
}

const OWED = 'n|owed';

/** The index of the executions in one status. */
export const statusPartition = (status: string): string => `s|${status}`;
const owesNotification = (e: Pick<Execution, 'notifications'>) => (e.notifications ?? []).some(isUndelivered);

// Rule names come from senders: hashed, any rule (long, or with '/', '#' or a lone surrogate) is a valid key.
const rulePartition = (rule: string) => `r|${sha256Hex(rule)}`;

// The most selective index serves the query; any other filter is applied to the records it points at.
function queryPartition(q: ExecutionQuery): string {
  if (q.owesNotification) return OWED;
  if (q.status && q.mappingId) return `ms|${q.mappingId}|${q.status}`;
  if (q.rule) return rulePartition(q.rule);
  if (q.mappingId) return `m|${q.mappingId}`;
  if (q.status) return statusPartition(q.status);
  if (q.trigger) return `t|${q.trigger}`;
  return MAIN_PARTITION;
}

export async function readIndexPage(table: TableClient, q: ExecutionQuery): Promise<ExecutionPage> {
  const partition = queryPartition(q);
  const { rowKeys, continuation } = await pageOfRowKeys(table, partition, q);
  if (partition === MAIN_PARTITION)
    return { items: rowKeys.map((r) => r.entity).map(fromEntity), ...cont(continuation) };
  // Index rows point at records; the record is the truth, so rows left behind by a status change are skipped.
  const records = await Promise.all(rowKeys.map((r) => readSummary(table, r.rowKey)));
  const items = records.filter((e): e is Execution => e !== null && matchesQuery(e, q));
  return { items, ...cont(continuation) };
}

async function pageOfRowKeys(table: TableClient, partition: string, q: ExecutionQuery) {
  const range = toRowKeyRange(q.since, q.until);
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
  const entity = await allowMissing(
    table.getEntity(MAIN_PARTITION, rowKey, { queryOptions: { select: SUMMARY_COLUMNS } }),
  );
  return entity ? fromEntity(entity) : null;
}

/** Whether a record meets a query's filters: the record is the truth, whichever index pointed at it. */
export const matchesQuery = (e: Execution, q: ExecutionQuery): boolean =>
  (!q.status || e.status === q.status) &&
  (!q.mappingId || e.mappingId === q.mappingId) &&
  (!q.trigger || e.trigger === q.trigger) &&
  (!q.rule || e.alert?.rule === q.rule || e.alert?.ruleName === q.rule) &&
  (!q.owesNotification || owesNotification(e));

const cont = (lastExecId: string | undefined) => (lastExecId ? { lastExecId } : {});
