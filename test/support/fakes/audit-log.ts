// In-memory AuditLog: the Table adapter's contract (test/contract/audit-log.contract.ts) in an array.
import type { AuditRecord } from '../../../src/domain/audit/audit-record';
import type { AuditLog } from '../../../src/services/audit/ports';

export type FakeAuditLog = AuditLog & { readonly records: () => AuditRecord[]; failNextAppend(error: Error): void };

export function createFakeAuditLog(): FakeAuditLog {
  const rows: AuditRecord[] = [];
  let failure: Error | undefined;
  return {
    append: async (r) => {
      const error = failure;
      failure = undefined;
      if (error) throw error;
      if (!rows.some((x) => x.id === r.id)) rows.push(r);
    },
    list: async (q) => {
      const matching = rows
        .filter((r) => (!q.since || r.at >= q.since.toISOString()) && (!q.until || r.at <= q.until.toISOString()))
        .filter((r) => (!q.actorId || r.actor.id === q.actorId) && (!q.action || r.action === q.action))
        .filter((r) => !q.mapping || r.mapping === q.mapping)
        .sort((a, b) => b.id.localeCompare(a.id))
        .filter((r) => !q.afterId || r.id.localeCompare(q.afterId) < 0);
      const items = matching.slice(0, q.limit);
      return matching.length > q.limit ? { items, lastId: items[items.length - 1]?.id ?? '' } : { items };
    },
    pruneBefore: async (cutoff, max) => {
      const old = rows.filter((r) => r.at < cutoff.toISOString()).slice(0, max);
      for (const r of old) rows.splice(rows.indexOf(r), 1);
      return old.length;
    },
    // One layout in memory: nothing is ever left to move.
    upgradeLayout: async () => 0,
    records: () => [...rows],
    failNextAppend: (error) => void (failure = error),
  };
}
