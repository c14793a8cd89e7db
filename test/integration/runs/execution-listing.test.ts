// Listing executions on real Table storage: newest first, filters through indexes, pages, time ranges.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { finishExecution, newExecution, startExecution, type Execution } from '../../../src/domain/runs/execution';
import type { Mapping } from '../../../src/domain/mappings/mapping';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import { parseExecutionFilter } from '../../../src/http/execution-filter';
import { listExecutions } from '../../../src/services/runs/query-executions';
import { sampleMapping } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('list'), {
  allowInsecureConnection: true,
});
let store: ExecutionStore;
const base = Date.parse('2026-03-01T00:00:00.000Z');
const ids: string[] = [];

const mapping = (id: string): Mapping => sampleMapping({ id, name: id });

async function add(i: number, mappingId: string, final: 'queued' | 'succeeded' | 'failed'): Promise<Execution> {
  const now = new Date(base + i * 1000);
  const e = newExecution({
    execId: newExecId(now),
    mapping: mapping(mappingId),
    trigger: 'manual',
    now,
    defaultTimeoutSeconds: 60,
  });
  await store.create(e);
  ids.push(e.execId);
  if (final === 'queued') return e;
  const claimed = await store.replaceIf(startExecution(e, now), (await store.get(e.execId))!);
  const done = finishExecution(
    claimed!.value,
    { status: final, exitCode: final === 'failed' ? 1 : 0, signal: null, durationMs: 5, output: 'o' },
    now,
  );
  return (await store.replaceIf(done, claimed!))!.value;
}

beforeAll(async () => {
  await table.createTable();
  store = createExecutionTable(table);
  for (let i = 0; i < 30; i++)
    await add(i, i % 3 === 0 ? 'a' : 'b', i % 5 === 0 ? 'failed' : i === 29 ? 'queued' : 'succeeded');
});
afterAll(async () => table.deleteTable());

const list = (params: Record<string, string>) => listExecutions(store, parseExecutionFilter(params));

describe('execution listing', () => {
  it('lists newest first, without output', async () => {
    const page = await list({ limit: '5' });
    expect(page.items.map((e) => e.execId)).toEqual(ids.slice(-5).reverse());
    expect(page.items[0]).not.toHaveProperty('output');
    expect(page.continuation).toBeDefined();
  });

  it('pages with continuation tokens until the end', async () => {
    const seen: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await list({ limit: '7', ...(continuation ? { continuation } : {}) });
      seen.push(...page.items.map((e) => e.execId));
      continuation = page.continuation;
    } while (continuation);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status and mapping through the indexes, after status changes', async () => {
    const failed = await list({ status: 'failed', limit: '50' });
    expect(failed.items.map((e) => e.execId)).toEqual(ids.filter((_, i) => i % 5 === 0).reverse());
    expect((await list({ status: 'running' })).items).toEqual([]);
    expect((await list({ status: 'queued' })).items.map((e) => e.execId)).toEqual([ids[29]]);
    const aFailed = await list({ status: 'failed', mapping: 'a' });
    expect(aFailed.items.map((e) => e.execId)).toEqual(ids.filter((_, i) => i % 15 === 0).reverse());
    expect((await list({ mapping: 'b', limit: '200' })).items).toHaveLength(20);
  });

  it('selects a time range, inclusive at both ends', async () => {
    const since = new Date(base + 10_000).toISOString();
    const until = new Date(base + 12_000).toISOString();
    const page = await list({ since, until });
    expect(page.items.map((e) => e.execId)).toEqual(ids.slice(10, 13).reverse());
    expect(page.items.every((e) => e.requestedAt.endsWith('Z'))).toBe(true);
  });

  it('refuses a stale write with its ETag', async () => {
    const current = (await store.get(ids[29]!))!;
    expect(await store.replaceIf(startExecution(current.value, new Date()), current)).not.toBeNull();
    expect(await store.replaceIf(startExecution(current.value, new Date()), current)).toBeNull();
  });
});
