// Benchmark: listing cost per filter against history size; a page of 50, out of 100 up to 100,000 runs.
import { TableClient } from '@azure/data-tables';
import { performance } from 'node:perf_hooks';
import type { AlertContext } from '../src/domain/alerts/alert';
import { createExecutionTable } from '../src/adapters/runs/execution-table';
import { newExecId } from '../src/domain/runs/exec-id';
import { newExecution, type Execution } from '../src/domain/runs/execution';
import type { Mapping } from '../src/domain/mappings/mapping';
import type { ExecutionQuery } from '../src/services/runs/ports';
import { benchMapping } from './bench-mapping';
import { createRequestCounter } from '../src/adapters/shared/request-counter';
import { seedExecutions } from './seed-executions';

const mapping: Mapping = benchMapping('bench', { id: 'bench', runbook: 'bench.sh' });

export async function benchListing(connection: string, sizes: readonly number[]): Promise<void> {
  // Azurite scans its in-memory tables, so its times grow with size where Azure Table's indexed reads do not;
  // the requests and rows ClouDO asks for per page are the design's cost, and they must stay flat.
  console.log('\nlisting: median of 15 queries, limit 50 (requests / entities read per page in brackets)');
  console.log(`history   ${QUERIES.map(([name]) => name.padEnd(COLUMN)).join(' ')}`);
  let last = '';
  for (const size of sizes) {
    const counter = createRequestCounter();
    const table = TableClient.fromConnectionString(connection, `bench${size}${Date.now()}`, {
      allowInsecureConnection: true,
      additionalPolicies: [{ policy: counter.policy, position: 'perCall' }],
    });
    await table.createTable();
    await seed(table, size);
    const store = createExecutionTable(table);
    const cells: string[] = [];
    const times: number[] = [];
    for (const [, query] of QUERIES) {
      counter.reset();
      await store.list({ limit: 50, ...query });
      const reads = `(${counter.requests} / ${counter.entities})`;
      times.push(await median(() => store.list({ limit: 50, ...query })));
      cells.push(`${ms(times.at(-1) ?? 0)} ${reads}`.padEnd(COLUMN));
    }
    console.log(`${String(size).padStart(7)}   ${cells.join(' ')}`);
    const [newest = 0, ...filtered] = times;
    const ratio = Math.max(...filtered) / Math.max(newest, 0.001);
    last = `filtered page at ${size}: ${ratio.toFixed(1)} × the unfiltered one (target ≤ 2×), the slowest filter`;
    await table.deleteTable();
  }
  console.log(last);
}

const COLUMN = 21;
const windowStart = Date.parse('2026-01-01T00:00:00Z');
const QUERIES: readonly (readonly [string, Omit<ExecutionQuery, 'limit'>])[] = [
  ['newest', {}],
  ['status=failed', { status: 'failed' }],
  ['status=timed_out (1)', { status: 'timed_out' }],
  ['mapping', { mappingId: 'bench' }],
  ['mapping+failed', { mappingId: 'bench', status: 'failed' }],
  ['trigger=schedule', { trigger: 'schedule' }],
  ['rule', { rule: 'cpu' }],
  ['since/until', { since: new Date(windowStart), until: new Date(windowStart + 100_000) }],
];

async function seed(table: TableClient, size: number): Promise<void> {
  await seedExecutions(
    table,
    Array.from({ length: size }, (_, i) => execution(i)),
    'current',
  );
}

// Half failed, one run timed out whatever the size, a schedule trigger on half, an alert rule on a third.
function execution(i: number): Execution {
  const now = new Date(windowStart + i * 1000);
  const trigger = i % 4 < 2 ? 'schedule' : 'manual';
  const e = newExecution({ execId: newExecId(now), mapping, trigger, now, defaultTimeoutSeconds: 60 });
  const status = i === 7 ? 'timed_out' : i % 2 === 0 ? 'failed' : 'succeeded';
  return { ...e, status, ...(i % 3 === 0 ? { alert: alert(i) } : {}) };
}

const alert = (i: number): AlertContext => ({
  source: 'azure-monitor',
  alertId: `a-${i}`,
  rule: 'group/cpu',
  ruleName: 'cpu',
  severity: 'Sev2',
  signalType: null,
  monitoringService: null,
  monitorCondition: 'Fired',
  firedAt: null,
  resolvedAt: null,
  resource: { id: null, resourceGroup: null, name: 'vm-1', subscriptionId: null, type: null },
  aks: { namespace: null, pod: null, deployment: null, job: null, hpa: null },
  labels: {},
  annotations: {},
  idempotencyKey: `k-${i}`,
});

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
