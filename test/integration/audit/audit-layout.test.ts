// The audit trail's storage: one request to append, one per page whatever the filter, and rows of the earlier
// layout (a partition per filter value) moved by the Sweeper's upgrade step without losing a record.
import type { TableClient } from '@azure/data-tables';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuditTable } from '../../../src/adapters/audit/audit-table';
import type { AuditRecord } from '../../../src/domain/audit/audit-record';
import { execRowKey, newExecId } from '../../../src/domain/runs/exec-id';
import { sha256Hex } from '../../../src/domain/shared/hash';
import { countedTable } from '../../support/counted-table';

const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

async function freshTable() {
  const { table, counter } = await countedTable('audit', tables);
  return { table, counter, log: createAuditTable(table) };
}

const t0 = Date.parse('2026-11-01T00:00:00.000Z');
const record = (i: number, actor: string, mapping: string): AuditRecord => {
  const at = new Date(t0 + i * 1000);
  return {
    id: newExecId(at),
    at: at.toISOString(),
    actor: { id: actor, name: actor, kind: 'person' },
    action: i % 2 ? 'run.requested' : 'run.cancelled',
    execId: null,
    mapping,
    outcome: 'queued',
    detail: { i },
    clientIp: null,
    requestId: null,
  };
};

// How the version before this layout wrote a record: the record, and a copy in a partition per filter value.
async function appendLegacy(table: TableClient, r: AuditRecord) {
  const row = { rowKey: execRowKey(r.id), actorId: r.actor.id, action: r.action, mapping: r.mapping ?? '' };
  const partitions = [
    'audit',
    `audit@actor|${sha256Hex(r.actor.id)}`,
    `audit@action|${r.action}`,
    `audit@mapping|${sha256Hex(r.mapping ?? '')}`,
  ];
  for (const partitionKey of partitions) await table.createEntity({ partitionKey, ...row, record: JSON.stringify(r) });
}

describe('audit storage', () => {
  it('appends in one request and reads any filtered page in one, out of 10 or 400 records', async () => {
    for (const size of [10, 400]) {
      const { log, counter } = await freshTable();
      counter.reset();
      await log.append(record(0, 'oid-rare', 'ops/rare'));
      expect(counter.requests).toBe(1);
      for (let i = 1; i < size; i++) await log.append(record(i, `oid-${i % 3}`, `ops/m${i % 4}`));
      for (const q of [{}, { actorId: 'oid-rare' }, { mapping: 'ops/rare' }, { action: 'run.cancelled' as const }]) {
        counter.reset();
        const page = await log.list({ limit: 5, ...q });
        expect(page.items.length).toBeGreaterThan(0);
        expect(counter.requests).toBe(1);
      }
    }
  });

  it('moves rows of the earlier layout; every filter finds them after, and retention deletes them whole', async () => {
    const { table, log } = await freshTable();
    const old = Array.from({ length: 7 }, (_, i) => record(i, 'oid-legacy', 'ops/legacy'));
    for (const r of old) await appendLegacy(table, r);
    const fresh = record(100, 'oid-legacy', 'ops/legacy');
    await log.append(fresh);
    let moved = 0;
    for (let n = -1; n !== 0;) moved += n = await log.upgradeLayout(5);
    expect(moved).toBe(old.length * 3);
    const ids = async (q: object) => (await log.list({ limit: 20, ...q })).items.map((r) => r.id);
    const newestFirst = [fresh, ...old.reverse()].map((r) => r.id);
    expect(await ids({})).toEqual(newestFirst);
    expect(await ids({ actorId: 'oid-legacy' })).toEqual(newestFirst);
    expect(await ids({ mapping: 'ops/legacy' })).toEqual(newestFirst);
    const legacyLeft = table.listEntities({ queryOptions: { filter: "PartitionKey ne 'audit'" } });
    for await (const row of legacyLeft) expect.fail(`left in ${String(row.partitionKey)}`);
    expect(await log.pruneBefore(new Date(t0 + 50_000), 1000)).toBe(old.length * 4);
    expect(await ids({ actorId: 'oid-legacy' })).toEqual([fresh.id]);
    expect(await ids({ action: 'run.requested' })).toEqual([]);
  });

  it("deletes, not moves, the earlier layout's copies of a record already gone", async () => {
    const { table, log } = await freshTable();
    const gone = record(1, 'oid-gone', 'ops/gone');
    await appendLegacy(table, gone);
    // Pruned before its copies moved (an old version's retention ran out of budget), or never written whole.
    await table.deleteEntity('audit', execRowKey(gone.id));
    expect(await log.upgradeLayout(100)).toBe(3);
    expect((await log.list({ limit: 10, actorId: 'oid-gone' })).items).toEqual([]);
    for await (const row of table.listEntities())
      expect.fail(`left: ${String(row.partitionKey)} ${String(row.rowKey)}`);
  });
});
