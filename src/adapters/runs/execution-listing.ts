// Execution listing: newest first, one row-key range of the main partition per page, whatever the history.
import type { TableClient } from '@azure/data-tables';
import type { ExecutionPage, ExecutionQuery } from '../../services/runs/ports';
import { MAIN_PARTITION } from './execution-entity';
import { fromSummaryEntity, LISTING_COLUMNS } from './execution-summary';
import { indexPrefix, matchesQuery, queryIndex } from './execution-index';
import { timeKeyedFilter } from '../shared/time-keyed-range';

// Storage may answer a range in parts (1,000 rows, 5 s); past this many parts the page ends short, still resumable
// from its last row. Parts that are all empty are read past: storage's token is opaque, so an empty page could not say
// where the next one goes on from (and such parts are rare for one partition's key range: after 5 s of scanning).
const MAX_REQUESTS = 3;

/**
 * One page: the records themselves when unfiltered, else the rows of the most selective index, which carry the
 * summary; the other filters are checked on those rows, so a page may be short, never dearer.
 */
export async function readIndexPage(table: TableClient, q: ExecutionQuery): Promise<ExecutionPage> {
  const index = queryIndex(q);
  const prefix = index === null ? '' : indexPrefix(index);
  const filter = timeKeyedFilter(MAIN_PARTITION, prefix, q, q.afterExecId);
  const rows: Record<string, unknown>[] = [];
  let next: string | undefined;
  let requests = 0;
  const pages = table.listEntities({ queryOptions: { filter, select: LISTING_COLUMNS } });
  for await (const page of pages.byPage({ maxPageSize: q.limit })) {
    rows.push(...page.slice(0, q.limit - rows.length));
    next = page.continuationToken;
    if (rows.length >= q.limit || (++requests >= MAX_REQUESTS && rows.length > 0)) break;
  }
  const items = rows.map(fromSummaryEntity).filter((e) => matchesQuery(e, q));
  // Resumes after the last row read, matched or not: the next page never reads a row twice.
  const last = rows.at(-1)?.['execId'];
  const more = typeof last === 'string' && (next !== undefined || rows.length >= q.limit);
  return more ? { items, lastExecId: last } : { items };
}
