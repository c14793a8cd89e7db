// Listing cost does not grow with history: every filter reads a page of 50 in the same ≤ 3 requests, out of 120 or 1,500.
import type { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution, type Execution, type ListedExecution } from '../../../src/domain/runs/execution';
import type { ExecutionQuery, ExecutionStore } from '../../../src/services/runs/ports';
import type { RequestCounter } from '../../../src/adapters/shared/request-counter';
import { sampleAlert, sampleMapping } from '../../support/fixtures';
import { seedExecutions } from '../../../bench/seed-executions';
import { countedTable } from '../../support/counted-table';

const start = Date.UTC(2026, 0, 1);
const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

// Two mappings, two triggers, alerts on half, a page owed on half, and one timed-out run whatever the size.
function execution(i: number): Execution {
  const now = new Date(start + i * 1000);
  const mapping = sampleMapping({ id: i % 10 === 0 ? 'other' : 'm', worker: 'W' });
  const trigger = i % 4 < 2 ? 'schedule' : 'manual';
  const e = newExecution({ execId: newExecId(now), mapping, trigger, now, defaultTimeoutSeconds: 60 });
  const owed = { channel: 'opsgenie', action: 'create', kind: 'failure', alias: 'a', state: 'pending' } as const;
  return {
    ...e,
    status: i === 7 ? 'timed_out' : i % 2 ? 'failed' : 'succeeded',
    ...(i % 2 === 0
      ? {
          alert: sampleAlert({ rule: 'group/cpu', ruleName: 'cpu' }),
          notifications: [{ ...owed, attempts: 0, createdAt: now.toISOString() }],
        }
      : {}),
  };
}

async function seeded(size: number) {
  const { table, counter } = await countedTable('cost', tables);
  await seedExecutions(
    table,
    Array.from({ length: size }, (_, i) => execution(i)),
    'current',
  );
  return { store: createExecutionTable(table), counter };
}

let small: { store: ExecutionStore; counter: RequestCounter };
let large: { store: ExecutionStore; counter: RequestCounter };
beforeAll(async () => {
  [small, large] = await Promise.all([seeded(120), seeded(1_500)]);
}, 120_000);

async function cost(at: typeof small, query: Omit<ExecutionQuery, 'limit'>) {
  at.counter.reset();
  const page = await at.store.list({ limit: 50, ...query });
  return { page, requests: at.counter.requests, entities: at.counter.entities };
}

const window = { since: new Date(start), until: new Date(start + 100_000) };

describe('listing cost', () => {
  it.each<[string, Omit<ExecutionQuery, 'limit'>]>([
    ['newest first', {}],
    ['by status', { status: 'failed' }],
    ['by a rare status (1 run in the history)', { status: 'timed_out' }],
    ['by mapping', { mappingId: 'm' }],
    ['by mapping and status', { mappingId: 'm', status: 'failed' }],
    ['by trigger', { trigger: 'schedule' }],
    ['by alert rule', { rule: 'cpu' }],
    ['owing a notification', { owesNotification: true }],
    ['within since/until', window],
    ['by status within since/until', { status: 'failed', ...window }],
    ['by rule and trigger (the rule index serves, the trigger filters)', { rule: 'group/cpu', trigger: 'schedule' }],
    ['by mapping and trigger', { mappingId: 'm', trigger: 'manual' }],
  ])('%s: ≤ 3 requests, the same out of 120 rows as out of 1,500', async (_name, query) => {
    const [a, b] = [await cost(small, query), await cost(large, query)];
    expect(a.requests).toBeLessThanOrEqual(3);
    expect(b.requests).toBe(a.requests);
    expect(b.entities).toBe(a.entities);
    expect(a.page.items.length).toBeGreaterThanOrEqual(1);
    expect(b.page.items.every((e) => (query.status ? e.status === query.status : true))).toBe(true);
  });

  it('finds the one rare run at once, and says no page follows', async () => {
    const { page, requests, entities } = await cost(large, { status: 'timed_out' });
    expect(page.items.map((e) => e.status)).toEqual(['timed_out']);
    expect(page.lastExecId).toBeUndefined();
    expect({ requests, entities }).toEqual({ requests: 1, entities: 1 });
  });

  it('reads the next page after afterExecId at the same cost', async () => {
    const first = await cost(large, { status: 'failed' });
    expect(first.page.lastExecId).toBeDefined();
    const next = await cost(large, { status: 'failed', afterExecId: first.page.lastExecId! });
    expect(next.requests).toBe(first.requests);
    expect(next.page.items).toHaveLength(50);
    expect(next.page.items[0]!.execId < first.page.items.at(-1)!.execId).toBe(true);
  });

  it('lists only records when unfiltered, never the index rows that share their partition', async () => {
    const all: ListedExecution[] = [];
    let afterExecId: string | undefined;
    do {
      const page = await small.store.list({ limit: 50, ...(afterExecId ? { afterExecId } : {}) });
      all.push(...page.items);
      afterExecId = page.lastExecId;
    } while (afterExecId);
    expect(all).toHaveLength(120);
    expect(new Set(all.map((e) => e.execId)).size).toBe(120);
  });
});
