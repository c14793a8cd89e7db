// AuditLog contract: records read back newest first, by any one filter or several, paged, and pruned by age.
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/domain/audit/audit-record';
import { newExecId } from '../../src/domain/runs/exec-id';
import type { AuditLog } from '../../src/services/audit/ports';

const t0 = Date.parse('2026-12-01T00:00:00.000Z');

function record(seconds: number, patch: Partial<AuditRecord> = {}): AuditRecord {
  const at = new Date(t0 + seconds * 1000);
  return {
    id: newExecId(at),
    at: at.toISOString(),
    actor: { id: 'oid-ada', name: 'ada', kind: 'person' },
    action: 'run.requested',
    execId: null,
    mapping: 'ops/restart',
    outcome: 'queued',
    detail: {},
    clientIp: '10.0.0.1',
    requestId: 'r1',
    ...patch,
  };
}

export function describeAuditLogContract(name: string, make: () => Promise<AuditLog>): void {
  describe(`AuditLog contract: ${name}`, () => {
    it('lists newest first, by actor, action or mapping, alone or together, and within a time range', async () => {
      const log = await make();
      const a = record(1);
      const b = record(2, { actor: { id: 'oid-bob', name: 'bob', kind: 'person' }, action: 'run.cancelled' });
      const c = record(3, { mapping: 'ops/other' });
      for (const r of [a, b, c]) await log.append(r);
      const ids = async (q: Parameters<AuditLog['list']>[0]) => (await log.list(q)).items.map((r) => r.id);
      expect(await ids({ limit: 10 })).toEqual([c.id, b.id, a.id]);
      expect(await ids({ limit: 10, actorId: 'oid-bob' })).toEqual([b.id]);
      expect(await ids({ limit: 10, action: 'run.requested' })).toEqual([c.id, a.id]);
      expect(await ids({ limit: 10, mapping: 'ops/restart' })).toEqual([b.id, a.id]);
      expect(await ids({ limit: 10, mapping: 'ops/restart', action: 'run.requested' })).toEqual([a.id]);
      expect(await ids({ limit: 10, since: new Date(t0 + 2000), until: new Date(t0 + 2000) })).toEqual([b.id]);
      expect((await log.list({ limit: 10 })).items[0]).toEqual(c);
    });

    it('pages with the last id, and says when more may follow', async () => {
      const log = await make();
      const rs = [10, 11, 12].map((s) => record(s, { mapping: 'ops/paged' }));
      for (const r of rs) await log.append(r);
      const first = await log.list({ limit: 2, mapping: 'ops/paged' });
      expect(first.items.map((r) => r.id)).toEqual([rs[2]!.id, rs[1]!.id]);
      expect(first.lastId).toBe(rs[1]!.id);
      const second = await log.list({ limit: 2, mapping: 'ops/paged', afterId: first.lastId! });
      expect(second).toEqual({ items: [rs[0]] });
    });

    it('appending the same record twice keeps one; pruning removes what is older than the cutoff', async () => {
      const log = await make();
      const old = record(-86_400 * 500, { mapping: 'ops/prune' });
      const young = record(20, { mapping: 'ops/prune' });
      await log.append(old);
      await log.append(old);
      await log.append(young);
      expect((await log.list({ limit: 10, mapping: 'ops/prune' })).items.map((r) => r.id)).toEqual([young.id, old.id]);
      expect(await log.pruneBefore(new Date(t0 - 86_400_000 * 400), 100)).toBeGreaterThanOrEqual(1);
      expect((await log.list({ limit: 10, mapping: 'ops/prune' })).items.map((r) => r.id)).toEqual([young.id]);
    });
  });
}
