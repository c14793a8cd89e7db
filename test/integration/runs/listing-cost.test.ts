// Listing cost does not grow with history: the same requests and rows for a page of 50, out of 60 or 1,500.
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { indexPartitions } from '../../../src/adapters/runs/execution-listing';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { toEntity } from '../../../src/adapters/runs/execution-entity';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution } from '../../../src/domain/runs/execution';
import type { ExecutionQuery } from '../../../src/services/runs/ports';
import { createRequestCounter } from '../../../src/adapters/shared/request-counter';
import { sampleMapping } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

async function seeded(size: number) {
  const counter = createRequestCounter();
  const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('cost'), {
    allowInsecureConnection: true,
    additionalPolicies: [{ policy: counter.policy, position: 'perCall' }],
  });
  tables.push(table);
  await table.createTable();
  const mapping = sampleMapping({ worker: 'W' });
  const batches = new Map<string, TransactionAction[]>();
  for (let i = 0; i < size; i++) {
    const now = new Date(Date.UTC(2026, 0, 1) + i * 1000);
    const e = {
      ...newExecution({ execId: newExecId(now), mapping, trigger: 'manual', now, defaultTimeoutSeconds: 60 }),
      status: i % 2 ? 'failed' : 'succeeded',
    } as const;
    const entity = toEntity(e);
    for (const pk of [entity.partitionKey, ...indexPartitions(e)]) {
      const row = pk === entity.partitionKey ? entity : { partitionKey: pk, rowKey: entity.rowKey };
      batches.set(pk, [...(batches.get(pk) ?? []), ['upsert', row]]);
    }
  }
  for (const actions of batches.values()) {
    for (let i = 0; i < actions.length; i += 100) await table.submitTransaction(actions.slice(i, i + 100));
  }
  return { store: createExecutionTable(table), counter };
}

async function cost(size: number, query: Omit<ExecutionQuery, 'limit'>) {
  const { store, counter } = await seeded(size);
  counter.reset();
  const page = await store.list({ limit: 50, ...query });
  return { items: page.items.length, requests: counter.requests, entities: counter.entities };
}

describe('listing cost', () => {
  it.each([
    ['newest first', {}],
    ['by status', { status: 'failed' as const }],
    ['by mapping and status', { mappingId: 'm', status: 'failed' as const }],
  ])('%s: a page of 50 reads the same out of 120 rows as out of 1,500', async (_name, query) => {
    const small = await cost(120, query);
    const large = await cost(1_500, query);
    expect(small.items).toBe(50);
    expect(small.requests).toBeGreaterThanOrEqual(1);
    expect(small.entities).toBeGreaterThanOrEqual(50);
    expect(large).toEqual(small);
  });
});
