// Execution index rows: keys in the record's own partition, each row a copy of the record's summary.
import type { Execution, ListedExecution } from '../../domain/runs/execution';
import { isUndelivered } from '../../domain/oncall/notification';
import { sha256Hex } from '../../domain/shared/hash';
import type { ExecutionQuery } from '../../services/runs/ports';
import { MAIN_PARTITION } from './execution-entity';
import { summaryOf } from './execution-summary';

type Indexed = Pick<ListedExecution, 'status' | 'mappingId' | 'trigger' | 'alert' | 'notifications'>;

// Record row keys are inverted time, all digits first: every `i|` row (and the layout marker) sorts after every
// record, above RECORDS_END.
const INDEX = 'i|';

// Mapping ids and rule names come from configuration and senders: hashed, any one is a valid and unambiguous key.
const byStatus = (status: string) => `s|${status}`;
const byMapping = (mappingId: string) => `m|${sha256Hex(mappingId)}`;
const byMappingStatus = (mappingId: string, status: string) => `ms|${sha256Hex(mappingId)}|${status}`;
const byTrigger = (trigger: string) => `t|${trigger}`;
const byRule = (rule: string) => `r|${sha256Hex(rule)}`;
const OWED = 'n';

export const owesNotification = (e: Pick<Execution, 'notifications'>): boolean =>
  (e.notifications ?? []).some(isUndelivered);

/** The indexes an execution is in: status, mapping, both, trigger kind, alert rule (full and short), owed page. */
export function indexesOf(e: Indexed): string[] {
  const rules = new Set([e.alert?.rule, e.alert?.ruleName].filter((r): r is string => !!r));
  return [
    byStatus(e.status),
    byMapping(e.mappingId),
    byMappingStatus(e.mappingId, e.status),
    byTrigger(e.trigger),
    ...[...rules].map(byRule),
    ...(owesNotification(e) ? [OWED] : []),
  ];
}

/** The row key of an execution's row in one index: the index's prefix, then the record's own row key. */
export const indexRowKey = (index: string, recordRowKey: string): string => `${INDEX}${index}|${recordRowKey}`;

/** The rows of an index, as a row-key prefix of the main partition. */
export const indexPrefix = (index: string): string => `${INDEX}${index}|`;

/** The index rows of a record entity (toEntity's): same partition, carrying the record's summary. */
export function indexEntities(e: Indexed, record: Record<string, unknown> & { rowKey: string }) {
  const summary = summaryOf(e, record);
  return indexesOf(e).map((index) => ({
    partitionKey: MAIN_PARTITION,
    rowKey: indexRowKey(index, record.rowKey),
    ...summary,
  }));
}

/** The count of an execution status's rows, for the census. */
export const statusIndex = byStatus;

/** The index serving a query: the most selective one; null for the records themselves (no filter). */
export function queryIndex(q: ExecutionQuery): string | null {
  if (q.owesNotification) return OWED;
  if (q.status && q.mappingId) return byMappingStatus(q.mappingId, q.status);
  if (q.rule) return byRule(q.rule);
  if (q.mappingId) return byMapping(q.mappingId);
  if (q.status) return byStatus(q.status);
  if (q.trigger) return byTrigger(q.trigger);
  return null;
}

/** Whether a summary meets a query's filters: the index serving it covers one, the others are checked here. */
export const matchesQuery = (e: ListedExecution, q: ExecutionQuery): boolean =>
  (!q.status || e.status === q.status) &&
  (!q.mappingId || e.mappingId === q.mappingId) &&
  (!q.trigger || e.trigger === q.trigger) &&
  (!q.rule || e.alert?.rule === q.rule || e.alert?.ruleName === q.rule) &&
  (!q.owesNotification || owesNotification(e));
