// Where audit rows live: one partition, each record under its time key and a copy under each filter's key prefix.
import { execRowKey } from '../../domain/runs/exec-id';
import type { AuditQuery } from '../../services/audit/ports';
import { sha256Hex } from '../../domain/shared/hash';
import { RECORDS_END } from '../shared/time-keyed-range';

/** Every audit row is in this partition, so a record and its copies are written in one transaction. */
export const AUDIT_PARTITION = 'audit';

// Records are keyed by inverted time (digits), copies by a letter prefix: every copy sorts after every record.

export type AuditFilterRow = { readonly actorId: string; readonly action: string; readonly mapping: string };

const prefixOf = {
  actor: (id: string) => `actor|${sha256Hex(id)}|`,
  action: (action: string) => `action|${action}|`,
  mapping: (mapping: string) => `mapping|${sha256Hex(mapping)}|`,
};

/** The row keys of a record and of its copies, one per filter an audit listing can be asked for. */
export function auditRowKeys(id: string, r: AuditFilterRow): string[] {
  const key = execRowKey(id);
  return [
    key,
    prefixOf.actor(r.actorId) + key,
    prefixOf.action(r.action) + key,
    ...(r.mapping ? [prefixOf.mapping(r.mapping) + key] : []),
  ];
}

/** The prefix of the most selective filter a query names ('' for the records themselves). */
export function queryPrefix(q: Pick<AuditQuery, 'mapping' | 'actorId' | 'action'>): string {
  if (q.mapping) return prefixOf.mapping(q.mapping);
  if (q.actorId) return prefixOf.actor(q.actorId);
  if (q.action) return prefixOf.action(q.action);
  return '';
}

/** The records (not the copies) older than a time key: the ones retention deletes. */
export const olderThan = (from: string) => ({ gt: from, lt: RECORDS_END });

// The layout before copies moved into the audit partition: one partition per filter value, the same row key.
export const LEGACY_FIRST = 'audit@';
export const LEGACY_AFTER_LAST = 'audit@~';

/** Where a legacy copy goes: `audit@actor|<sha>` becomes the prefix `actor|<sha>|`. */
export const legacyRowKey = (partition: string, rowKey: string): string =>
  `${partition.slice(LEGACY_FIRST.length)}|${rowKey}`;
