// Benchmark: listing cost against history size; every query returns 50 rows, out of 100 up to 100,000.
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { performance } from 'node:perf_hooks';
import { toEntity } from '../src/adapters/runs/execution-entity';
import { indexPartitions } from '../src/adapters/runs/execution-listing';
import { createExecutionTable } from '../src/adapters/runs/execution-table';
import { newExecId } from '../src/domain/runs/exec-id';
import { newExecution, type Execution } from '../src/domain/runs/execution';
import type { Mapping } from '../src/domain/mappings/mapping';
import type { ExecutionQuery } from '../src/services/runs/ports';
import { benchMapping } from './bench-mapping';
import { createRequestCounter } from '../src/adapters/shared/request-counter';

const mapping: Mapping = benchMapping('bench', { id: 'bench', runbook: 'bench.sh' });

export async function benchListing(connection: string, sizes: readonly number[]): Promise<void> {
  // Azurite scans its in-memory tables, so its times grow with size where Azure Table's indexed reads do not;
  // the requests and rows ClouDO asks for per page are the design's cost, and they must stay flat.
  console.log('\nlisting: median of 15 queries, limit 50 (requests / entities read per page in brackets)');
  console.log('history   newest                   status=failed             mapping + status=failed');
  for (const size of sizes) {
    const counter = createRequestCounter();
    const table = TableClient.fromConnectionString(connection, `bench${size}${Date.now()}`, {
      allowInsecureConnection: true,
      additionalPolicies: [{ policy: counter.policy, position: 'perCall' }],
    });
    await table.createTable();
    await seed(table, size);
    const store = createExecutionTable(table);
    const cells = [];
    for (const query of QUERIES) {
      counter.reset();
      await store.list({ limit: 50, ...query });
      const reads = `(${counter.requests} / ${counter.entities})`;
      cells.push(`${ms(await median(() => store.list({ limit: 50, ...query })))} ${reads.padEnd(11)}`);
    }
    console.log(`${String(size).padStart(7)}   ${cells.join('   ')}`);
    await table.deleteTable();
  }
}

const QUERIES: readonly Omit<ExecutionQuery, 'limit'>[] = [
  {},
  { status: 'failed' },
  { mappingId: 'bench', status: 'failed' },
];

async function seed(table: TableClient, size: number): Promise<void> {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const byPartition = new Map<string, TransactionAction[]>();
  const add = (pk: string, entity: Record<string, unknown> & { rowKey: string }) =>
    byPartition.set(pk, [...(byPartition.get(pk) ?? []), ['upsert', { ...entity, partitionKey: pk }]]);
  for (let i = 0; i < size; i++) {
    const now = new Date(start + i * 1000);
    const e: Execution = {
      ...newExecution({ execId: newExecId(now), mapping, trigger: 'manual', now, defaultTimeoutSeconds: 60 }),
      status: i % 2 === 0 ? 'failed' : 'succeeded',
    };
    const entity = toEntity(e);
    add(entity.partitionKey, entity);
    for (const pk of indexPartitions(e)) add(pk, { rowKey: entity.rowKey });
  }
  for (const actions of byPartition.values()) {
    for (let i = 0; i < actions.length; i += 100)
      await withRetry(() => table.submitTransaction(actions.slice(i, i + 100)));
  }
}

// Seeding sends thousands of batches; a dropped keep-alive connection is worth another try, not a failed run.
async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[7] ?? 0;
}

const ms = (v: number) => `${v.toFixed(1).padStart(6)} ms`;
