// A record and its index rows are one transaction: one request per write, and a lost race writes no index row.
import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { afterAll, describe, expect, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { finishExecution, newExecution, startExecution } from '../../../src/domain/runs/execution';
import { sampleMapping } from '../../support/fixtures';
import { countedTable } from '../../support/counted-table';

const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

async function setUp() {
  const { table, counter } = await countedTable('atomic', tables);
  const now = new Date('2026-05-01T10:00:00.000Z');
  const e = newExecution({
    execId: newExecId(now),
    mapping: sampleMapping({ worker: 'W' }),
    trigger: 'manual',
    now,
    defaultTimeoutSeconds: 60,
  });
  const rowKeys = async () => {
    const rows = table.listEntities({ queryOptions: { filter: odata`PartitionKey eq 'x'`, select: ['RowKey'] } });
    const keys: string[] = [];
    for await (const row of rows) keys.push(String(row.rowKey));
    return keys;
  };
  return { store: createExecutionTable(table), counter, e, now, rowKeys };
}

describe('execution index rows', () => {
  it('are written with their record in one request, and its ETag is the one storage gave', async () => {
    const { store, counter, e, now } = await setUp();
    counter.reset();
    const created = await store.create(e);
    const claimed = await store.replaceIf(startExecution(e, now), created);
    expect(counter.requests).toBe(2);
    expect(claimed).not.toBeNull();
    expect((await store.get(e.execId))?.etag).toBe(claimed?.etag);
  });

  it('a replace that lost its ETag race writes no index row, and leaves the winner listed', async () => {
    const { store, e, now, rowKeys } = await setUp();
    const created = await store.create(e);
    const running = startExecution(e, now);
    expect(await store.replaceIf(running, created)).not.toBeNull();
    const before = await rowKeys();
    const failed = finishExecution(
      running,
      { status: 'failed', exitCode: 1, signal: null, durationMs: 1, output: '' },
      now,
    );
    expect(await store.replaceIf(failed, created)).toBeNull();
    expect(await rowKeys()).toEqual(before);
    expect(before.filter((k) => k.startsWith('i|s|'))).toEqual([expect.stringMatching(/^i\|s\|running\|/)]);
    expect((await store.list({ status: 'failed', limit: 10 })).items).toEqual([]);
    expect((await store.list({ status: 'queued', limit: 10 })).items).toEqual([]);
    expect((await store.list({ status: 'running', limit: 10 })).items.map((x) => x.execId)).toEqual([e.execId]);
  });

  it('a create that finds its id taken writes no index row of its own', async () => {
    const { store, e, rowKeys } = await setUp();
    await store.create(e);
    const before = await rowKeys();
    await expect(store.create({ ...e, mappingId: 'another' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await rowKeys()).toEqual(before);
    expect((await store.list({ mappingId: 'another', limit: 10 })).items).toEqual([]);
  });
});
