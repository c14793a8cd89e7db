// Storage may answer a query in empty parts with a continuation: a listing reads past them, never ending early.
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import type { Execution } from '../../../src/domain/runs/execution';
import type { ExecutionQuery } from '../../../src/services/runs/ports';
import { sampleExecution } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

/**
 * Storage as it answers past its 5 s or a server boundary: the next `parts` queries that would return rows return
 * none, with the continuation headers of their first row, encoded as Azurite encodes them (base64; Azure's are opaque
 * too), so the SDK's next request goes on from that row.
 */
function emptyParts(): { policy: PipelinePolicy; arm(parts: number): void } {
  let left = 0;
  const policy: PipelinePolicy = {
    name: 'emptyParts',
    sendRequest: async (request, next) => {
      if (left <= 0 || request.method !== 'GET') return next(request);
      // Without $select, so that the rows it empties name their keys.
      const url = new URL(request.url);
      url.searchParams.delete('$select');
      request.url = url.toString();
      const response = await next(request);
      if (!response.bodyAsText) return response;
      const body = JSON.parse(response.bodyAsText) as { value?: { PartitionKey: string; RowKey: string }[] };
      const first = body.value?.[0];
      if (!first) return response;
      left -= 1;
      const encode = (key: string) => Buffer.from(key, 'utf8').toString('base64');
      response.headers.set('x-ms-continuation-NextPartitionKey', encode(first.PartitionKey));
      response.headers.set('x-ms-continuation-NextRowKey', encode(first.RowKey));
      return { ...response, bodyAsText: JSON.stringify({ ...body, value: [] }) };
    },
  };
  return { policy, arm: (parts) => void (left = parts) };
}

async function setUp() {
  const parts = emptyParts();
  const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('parts'), {
    allowInsecureConnection: true,
    // Inside the deserializer: the SDK reads the emptied answer as if storage had sent it.
    additionalPolicies: [{ policy: parts.policy, position: 'perRetry' }],
  });
  tables.push(table);
  await table.createTable();
  const store = createExecutionTable(table);
  const runs: Execution[] = [];
  for (let i = 0; i < 5; i++) {
    const now = new Date(Date.UTC(2026, 4, 1, 10, 0, i));
    const e = sampleExecution(now);
    runs.push(e);
    await store.create(e);
  }
  return { store, arm: parts.arm, newestFirst: runs.map((e) => e.execId).reverse() };
}

describe('a listing storage answers in empty parts', () => {
  it.each<[string, Omit<ExecutionQuery, 'limit'>]>([
    ['unfiltered', {}],
    ['by an index', { status: 'queued' }],
  ])('%s: the page reads past them, and paging lists every run once', async (_, query) => {
    const { store, arm, newestFirst } = await setUp();
    // More empty parts than a page's 3 requests: a page that stopped there would have no row to resume after.
    arm(4);
    const first = await store.list({ limit: 2, ...query });
    expect(first.items.map((e) => e.execId)).toEqual(newestFirst.slice(0, 2));
    const seen = first.items.map((e) => e.execId);
    let afterExecId = first.lastExecId;
    while (afterExecId) {
      const page = await store.list({ limit: 2, ...query, afterExecId });
      seen.push(...page.items.map((e) => e.execId));
      afterExecId = page.lastExecId;
    }
    expect(seen).toEqual(newestFirst);
  });

  it('a later page reads past empty parts too, and goes on from the last row of the one before', async () => {
    const { store, arm, newestFirst } = await setUp();
    const first = await store.list({ limit: 2 });
    arm(3);
    const second = await store.list({ limit: 2, afterExecId: first.lastExecId! });
    const rest = await store.list({ limit: 10, afterExecId: second.lastExecId! });
    const listed = [...first.items, ...second.items, ...rest.items].map((e) => e.execId);
    expect(listed).toEqual(newestFirst);
  });
});
