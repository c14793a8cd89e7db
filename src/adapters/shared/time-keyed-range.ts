// Row-key ranges of time-keyed rows: records keyed by inverted request time, and copies of them under a prefix.
import { odata } from '@azure/data-tables';
import { execRowKey, toRowKeyRange } from '../../domain/runs/exec-id';

/** Row keys below this are records (inverted time: digits first); copies under a letter prefix sort above it. */
export const RECORDS_END = ':';

export type TimeWindow = { readonly since?: Date; readonly until?: Date };

/**
 * The filter of one partition's rows under `prefix` ('' for the records themselves), requested within the window,
 * newest first, after the row of `afterId` when paging. Every key under a prefix is the prefix and a record's key,
 * so the prefix bounds both ends of the range.
 */
export function timeKeyedFilter(partition: string, prefix: string, q: TimeWindow, afterId?: string): string {
  const range = toRowKeyRange(q.since, q.until);
  let filter = odata`PartitionKey eq ${partition} and RowKey lt ${prefix + (range.before ?? RECORDS_END)}`;
  const from = prefix + (range.from ?? '');
  if (from) filter += odata` and RowKey ge ${from}`;
  if (afterId) filter += odata` and RowKey gt ${prefix + execRowKey(afterId)}`;
  return filter;
}
