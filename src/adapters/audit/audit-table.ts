// The audit trail in the executions table: each record and a copy per filter (actor, action, mapping) in partition
// `audit`, written in one transaction, so that one request appends a record and any one filter reads a page of its
// own row-key range (cost flat in history). Rows are only ever inserted, and deleted once past retention.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditRecord } from '../../domain/audit/audit-record';
import type { AuditLog, AuditQuery } from '../../services/audit/ports';
import { callStorage, isConflict } from '../shared/storage-errors';
import { AUDIT_PARTITION, auditRowKeys, queryPrefix } from './audit-keys';
import { timeKeyedFilter } from '../shared/time-keyed-range';
import { moveLegacyCopies, pruneRecords } from './audit-upkeep';

const storedRecord = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ id: z.string(), name: z.string(), kind: z.enum(['person', 'system', 'alert', 'schedule']) }),
  action: z.enum(AUDIT_ACTIONS),
  execId: z.string().nullable(),
  mapping: z.string().nullable(),
  outcome: z.string(),
  detail: z.record(z.string(), z.unknown()),
  clientIp: z.string().nullable(),
  requestId: z.string().nullable(),
});

export function createAuditTable(table: TableClient): AuditLog {
  return {
    append: (record) => callStorage(() => append(table, record)),
    list: (query) => callStorage(() => list(table, query)),
    pruneBefore: (cutoff, max) => callStorage(() => pruneRecords(table, cutoff, max)),
    upgradeLayout: (max) => callStorage(() => moveLegacyCopies(table, max)),
  };
}

async function append(table: TableClient, r: AuditRecord): Promise<void> {
  const columns = { actorId: r.actor.id, action: r.action, mapping: r.mapping ?? '', record: fitted(r) };
  const actions: TransactionAction[] = auditRowKeys(r.id, columns).map((rowKey) => [
    'create',
    { partitionKey: AUDIT_PARTITION, rowKey, ...columns },
  ]);
  try {
    await table.submitTransaction(actions);
  } catch (err) {
    // A transaction retried after a lost answer finds its own rows (all of them: it is atomic): the same record,
    // written once. Ids are unique (time and random), so a conflict can mean nothing else.
    if (!isConflict(err)) throw err;
  }
}

// A table property holds 32K characters: a record whose detail would not fit keeps the names of what it held.
const MAX_RECORD_CHARS = 30_000;

function fitted(r: AuditRecord): string {
  const json = JSON.stringify(r);
  if (json.length <= MAX_RECORD_CHARS) return json;
  return JSON.stringify({ ...r, detail: { omitted: 'too large to keep whole', fields: Object.keys(r.detail) } });
}

async function list(table: TableClient, q: AuditQuery) {
  // The most selective filter's copies serve the query; the other filters narrow within them.
  const clauses = [timeKeyedFilter(AUDIT_PARTITION, queryPrefix(q), q, q.afterId)];
  if (q.actorId) clauses.push(odata`actorId eq ${q.actorId}`);
  if (q.action) clauses.push(odata`action eq ${q.action}`);
  if (q.mapping) clauses.push(odata`mapping eq ${q.mapping}`);
  const pages = table
    .listEntities<{ record?: unknown }>({ queryOptions: { filter: clauses.join(' and '), select: ['record'] } })
    .byPage({ maxPageSize: q.limit + 1 });
  const items: AuditRecord[] = [];
  for await (const page of pages) {
    for (const e of page) if (typeof e.record === 'string') items.push(storedRecord.parse(JSON.parse(e.record)));
    if (items.length > q.limit) break;
  }
  const shown = items.slice(0, q.limit);
  return items.length > q.limit ? { items: shown, lastId: shown[shown.length - 1]?.id ?? '' } : { items: shown };
}
