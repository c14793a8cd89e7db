// The audit trail in the executions table: each record in partition `audit`, and a copy in one partition per actor,
// action and mapping, so that any one filter reads a page of its own partition (cost flat in history). Rows are only
// ever inserted, and deleted once past retention.
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditRecord } from '../../domain/audit/audit-record';
import { execRowKey, toRowKeyRange } from '../../domain/runs/exec-id';
import { sha256Hex } from '../../domain/shared/hash';
import type { AuditLog, AuditQuery } from '../../services/audit/ports';
import { callStorage, isConflict } from '../shared/storage-errors';

const MAIN = 'audit';
// Every audit partition sorts between these: "audit" and "audit@…".
const FIRST = 'audit';
const AFTER_LAST = 'audiu';
const byActor = (id: string) => `audit@actor|${sha256Hex(id)}`;
const byAction = (action: string) => `audit@action|${action}`;
const byMapping = (mapping: string) => `audit@mapping|${sha256Hex(mapping)}`;

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
    pruneBefore: (cutoff, max) => callStorage(() => prune(table, cutoff, max)),
  };
}

async function append(table: TableClient, r: AuditRecord): Promise<void> {
  const partitions = [MAIN, byActor(r.actor.id), byAction(r.action), ...(r.mapping ? [byMapping(r.mapping)] : [])];
  const row = {
    rowKey: execRowKey(r.id),
    actorId: r.actor.id,
    action: r.action,
    mapping: r.mapping ?? '',
    record: fitted(r),
  };
  // An insert retried after a lost answer finds its own row: that is the same record, written once.
  await Promise.all(
    partitions.map((partitionKey) =>
      table.createEntity({ partitionKey, ...row }).catch((err: unknown) => {
        if (!isConflict(err)) throw err;
      }),
    ),
  );
}

// A table property holds 32K characters: a record whose detail would not fit keeps the names of what it held.
const MAX_RECORD_CHARS = 30_000;

function fitted(r: AuditRecord): string {
  const json = JSON.stringify(r);
  if (json.length <= MAX_RECORD_CHARS) return json;
  return JSON.stringify({ ...r, detail: { omitted: 'too large to keep whole', fields: Object.keys(r.detail) } });
}

async function list(table: TableClient, q: AuditQuery) {
  // The most selective index the query names; the other filters narrow within it.
  const partition = q.mapping
    ? byMapping(q.mapping)
    : q.actorId
      ? byActor(q.actorId)
      : q.action
        ? byAction(q.action)
        : MAIN;
  const { from, before } = toRowKeyRange(q.since, q.until);
  const after = q.afterId ? `${execRowKey(q.afterId)}` : undefined;
  const clauses = [odata`PartitionKey eq ${partition}`];
  const lower = after && (!from || after >= from) ? after : from;
  if (lower) clauses.push(lower === after ? odata`RowKey gt ${lower}` : odata`RowKey ge ${lower}`);
  if (before) clauses.push(odata`RowKey lt ${before}`);
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

async function prune(table: TableClient, cutoff: Date, max: number): Promise<number> {
  const { from } = toRowKeyRange(undefined, cutoff);
  const filter = odata`PartitionKey ge ${FIRST} and PartitionKey lt ${AFTER_LAST} and RowKey gt ${from ?? ''}`;
  let deleted = 0;
  for await (const e of table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
    await table.deleteEntity(String(e.partitionKey), String(e.rowKey)).catch(() => undefined);
    if (++deleted >= max) break;
  }
  return deleted;
}
