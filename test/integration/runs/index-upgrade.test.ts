// Tables written before ADR 0015: the Sweeper's upgrade step moves their index rows, and nothing accepted is lost.
import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunCensus } from '../../../src/adapters/runs/execution-census';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createIndexUpgrade } from '../../../src/adapters/runs/index-upgrade';
import { execRowKey, newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution, startExecution, type Execution } from '../../../src/domain/runs/execution';
import type { ExecutionStatus } from '../../../src/domain/runs/execution-status';
import { sampleAlert, sampleMapping } from '../../support/fixtures';
import { seedExecutions } from '../../../bench/seed-executions';
import { countedTable } from '../../support/counted-table';

const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

const start = Date.UTC(2026, 2, 1);
function run(i: number, status: ExecutionStatus, extra: Partial<Execution> = {}): Execution {
  const now = new Date(start + i * 1000);
  const mapping = sampleMapping({ id: 'legacy|map', worker: 'W' });
  const e = newExecution({ execId: newExecId(now), mapping, trigger: 'manual', now, defaultTimeoutSeconds: 60 });
  return { ...e, status, ...extra };
}

const rowKeyOf = (e: Execution) => execRowKey(e.execId);

const owed = [
  { channel: 'opsgenie', action: 'create', kind: 'failure', alias: 'a', state: 'pending', attempts: 0 },
] as const;

async function legacyTable() {
  const { table, counter } = await countedTable('upgrade', tables);
  const queued = run(1, 'queued');
  const running = run(2, 'running');
  const failed = run(3, 'failed', {
    alert: sampleAlert({ rule: 'group/cpu', ruleName: 'cpu' }),
    notifications: [{ ...owed[0], createdAt: new Date(start).toISOString() }],
  });
  const history = Array.from({ length: 30 }, (_, i) => run(10 + i, 'succeeded'));
  await seedExecutions(table, [queued, running, failed, ...history], 'legacy');
  // Left behind by the old layout's non-atomic writes: a row whose record insert failed.
  await table.upsertEntity({ partitionKey: 's|queued', rowKey: '0000000000001-stale' }, 'Replace');
  return { table, queued, running, failed, counter };
}

async function oldRows(table: TableClient): Promise<number> {
  let n = 0;
  const filter = odata`PartitionKey ne 'x'`;
  for await (const row of table.listEntities({ queryOptions: { filter, select: ['PartitionKey'] } })) {
    if (/^(s|m|ms|t|r|n)\|/.test(String(row.partitionKey))) n++;
  }
  return n;
}

describe('index upgrade', () => {
  it('moves every record of an old table, live runs first, then marks it done', async () => {
    const { table, queued, running, failed } = await legacyTable();
    const store = createExecutionTable(table);
    const upgrade = createIndexUpgrade(table);
    // Two rows per round: live statuses come first, so the queued run is in the first round.
    expect(await upgrade.step(2)).toBe(2);
    const until = new Date(start + 60_000);
    expect((await store.list({ status: 'queued', until, limit: 10 })).items.map((e) => e.execId)).toEqual([
      queued.execId,
    ]);
    while ((await upgrade.step(10)) > 0);
    expect((await store.list({ status: 'running', limit: 10 })).items.map((e) => e.execId)).toEqual([running.execId]);
    expect((await store.list({ owesNotification: true, limit: 10 })).items.map((e) => e.execId)).toEqual([
      failed.execId,
    ]);
    expect((await store.list({ rule: 'cpu', limit: 10 })).items).toHaveLength(1);
    expect((await store.list({ mappingId: 'legacy|map', limit: 50 })).items).toHaveLength(33);
    expect(await createRunCensus(table).countWithStatus('succeeded', 100)).toEqual({ count: 30, capped: false });
    expect(await oldRows(table)).toBe(0);
    // Done: a new process reads the marker once, and moves nothing.
    expect(await createIndexUpgrade(table).step(10)).toBe(0);
    expect((await store.list({ limit: 50 })).items).toHaveLength(33);
  });

  it('replaces a record not moved yet, with its index rows, whichever step comes first', async () => {
    const { table, queued, counter } = await legacyTable();
    const store = createExecutionTable(table);
    const current = await store.get(queued.execId);
    counter.reset();
    const claimed = await store.replaceIf(startExecution(queued, new Date()), current!);
    expect(claimed?.value.status).toBe('running');
    // Its queued index rows were never written here: the deletes fail the first try, the second goes without them.
    expect(counter.requests).toBe(2);
    expect((await store.list({ status: 'running', limit: 10 })).items.map((e) => e.execId)).toEqual([queued.execId]);
    while ((await createIndexUpgrade(table).step(10)) > 0);
    expect((await store.list({ status: 'queued', limit: 10 })).items).toEqual([]);
    expect((await store.list({ status: 'running', limit: 10 })).items.map((e) => e.execId)).toContain(queued.execId);
    expect(await store.replaceIf(startExecution(queued, new Date()), current!)).toBeNull();
  });

  it('keeps a run listed whose old status row outlived its status change, whichever row is visited first', async () => {
    const { table, running } = await legacyTable();
    // The old layout dropped the rows of a status a run left best effort: this one kept its queued row.
    await table.upsertEntity({ partitionKey: 's|queued', rowKey: rowKeyOf(running) }, 'Replace');
    const store = createExecutionTable(table);
    while ((await createIndexUpgrade(table).step(10)) > 0);
    expect((await store.list({ status: 'running', limit: 10 })).items.map((e) => e.execId)).toEqual([running.execId]);
    expect((await store.list({ status: 'queued', limit: 10 })).items.map((e) => e.execId)).not.toContain(
      running.execId,
    );
    expect(await oldRows(table)).toBe(0);
  });
});
