// A run's transaction stays under 4 MiB at worst: the largest alert and output, all of characters JSON escapes.
import type { TableClient } from '@azure/data-tables';
import { afterAll, describe, expect, it } from 'vitest';
import { toEntity } from '../../../src/adapters/runs/execution-entity';
import { indexEntities } from '../../../src/adapters/runs/execution-index';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { boundAlert, type AlertContext } from '../../../src/domain/alerts/alert';
import { summarizeAlert } from '../../../src/domain/alerts/alert-summary';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { finishExecution, newExecution, startExecution, type Execution } from '../../../src/domain/runs/execution';
import { recapText } from '../../../src/domain/runs/output-bytes';
import { countedTable } from '../../support/counted-table';
import { sampleAlert, sampleMapping } from '../../support/fixtures';

const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

const MAX_OUTPUT_BYTES = 384 * 1024; // CLOUDO_MAX_OUTPUT_BYTES's highest value
const MAX_BODY = 4 * 1024 * 1024;

// A quote doubles in JSON, and the alert is JSON inside a column, so it doubles again on the wire: its worst case.
const quotes = (n: number, tag = '') => tag + '"'.repeat(n - tag.length);
const entries = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [quotes(200, `${i}`), quotes(800)]));

function maximalAlert(): AlertContext {
  const long = quotes(800);
  const resource = { id: long, resourceGroup: long, name: long, subscriptionId: long, type: long };
  return boundAlert(
    sampleAlert({
      ...{ alertId: long, rule: `group/${long}`, ruleName: `rule${long}`, severity: long, signalType: long },
      ...{
        monitoringService: long,
        resource,
        aks: { namespace: long, pod: long, deployment: long, job: long, hpa: long },
      },
      ...{ labels: entries(40), annotations: entries(40), idempotencyKey: long },
    }),
  );
}

function run(now: Date, fill: string): { queued: Execution; done: Execution } {
  const owed = { channel: 'opsgenie', action: 'create', kind: 'failure', alias: 'a', state: 'pending' } as const;
  const e = newExecution({
    execId: newExecId(now),
    mapping: sampleMapping({ id: 'big', worker: 'W' }),
    trigger: 'azure-monitor',
    now,
    defaultTimeoutSeconds: 60,
    alert: { context: maximalAlert(), idempotencyKey: 'k' },
  });
  const output = recapText(fill.repeat(MAX_OUTPUT_BYTES * 2), MAX_OUTPUT_BYTES);
  const result = { status: 'failed', exitCode: 1, signal: null, durationMs: 1, output, outputTruncated: true } as const;
  const done = finishExecution(startExecution(e, now), { ...result, outputBytes: MAX_OUTPUT_BYTES * 2 }, now);
  return { queued: e, done: { ...done, notifications: [{ ...owed, attempts: 0, createdAt: now.toISOString() }] } };
}

const wireBytes = (entity: object) => Buffer.byteLength(JSON.stringify(entity), 'utf8');

describe('a run with the largest alert and output', () => {
  it('is written within the transaction limits, and its index rows carry no whole alert', () => {
    // U+0001 takes six characters in JSON: the output at its cap, every byte of it one.
    const e = run(new Date('2026-05-01T10:00:00.000Z'), '\u0001').done;
    expect(JSON.stringify(e.alert).length).toBeGreaterThan(95_000);
    const record = toEntity(e);
    const rows = indexEntities(e, record);
    expect(rows).toHaveLength(7);
    const recordBytes = wireBytes(record);
    const rowBytes = rows.map(wireBytes);
    // The record alone is more than half the budget; seven copies of its alert would take the rest and more.
    expect(recordBytes).toBeGreaterThan(2_500_000);
    expect(Math.max(...rowBytes)).toBeLessThan(32 * 1024);
    expect(recordBytes + rowBytes.reduce((a, b) => a + b, 0) + 12 * 1024).toBeLessThan(MAX_BODY);
  });

  it('is created, finished and listed by every index', async () => {
    const { table } = await countedTable('size', tables);
    const store = createExecutionTable(table);
    // Azurite refuses an entity whose JSON passes 1 MiB (Azure counts 2 bytes a character, and takes the output of
    // U+0001 above): quotes, which JSON doubles, are the worst output it stores.
    const { queued, done: e } = run(new Date('2026-05-01T10:00:00.000Z'), '"');
    const created = await store.create(queued);
    const written = await store.replaceIf(e, created);
    expect(written).not.toBeNull();
    expect((await store.get(e.execId))?.value.output).toBe(e.output);
    const summary = summarizeAlert(e.alert!);
    for (const q of [{}, { status: 'failed' }, { rule: e.alert!.ruleName! }, { owesNotification: true }] as const) {
      const page = await store.list({ limit: 10, ...q });
      expect(page.items.map((x) => [x.execId, x.alert])).toEqual([[e.execId, summary]]);
    }
    expect((await store.list({ limit: 10, mappingId: 'big', status: 'queued' })).items).toEqual([]);
  });
});
