// A claimant that is slow but alive: it loses the key once its lease is over, and never records a second run.
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAlertRecords } from '../../../src/adapters/alerts/alert-records';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createRunQueue } from '../../../src/adapters/runs/run-queue';
import { storageUnavailable } from '../../../src/domain/shared/errors';
import { newExecution } from '../../../src/domain/runs/execution';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import type { Logger } from '../../../src/services/shared/ports';
import { recordOnce, type OnceDeps, type OnceRequest, type Prepared } from '../../../src/services/runs/record-once';
import { sampleMapping } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

const connection = inject('storageConnection');
const table = TableClient.fromConnectionString(connection, uniqueName('once'), { allowInsecureConnection: true });
const queues = QueueServiceClient.fromConnectionString(connection);
const prefix = `${uniqueName('once').slice(0, 20)}-`;
const executions = createExecutionTable(table);
const claims = createAlertRecords(table).claims;
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const LEASE_MS = 300;

beforeAll(async () => table.createTable());
afterAll(async () => {
  await table.deleteTable();
  for await (const q of queues.listQueues({ prefix })) await queues.deleteQueue(q.name);
});

const deps = (store: ExecutionStore = executions): OnceDeps => ({
  executions: store,
  queue: createRunQueue(queues, prefix),
  clock: { now: () => new Date() },
  log: silent,
});

/** A request for `key` whose admission is counted, and held until `gate` opens when one is given. */
function request(key: string, released: string[], gate?: Promise<void>, started?: () => void): OnceRequest {
  return {
    claims,
    key,
    fingerprint: null,
    timing: { leaseMs: LEASE_MS, waitMs: 5_000 },
    waitUntil: Date.now() + 5_000,
    busy: 'busy',
    prepare: async (execId, now): Promise<Prepared> => {
      started?.();
      await gate;
      const mapping = sampleMapping({ partition: 'p', id: 'm', runbook: 'ok.sh' });
      const execution = newExecution({ execId, mapping, trigger: 'manual', now, defaultTimeoutSeconds: 60 });
      return { execution, release: () => Promise.resolve(void released.push(execId)) };
    },
  };
}

/** A promise the test settles when it chooses. */
function signal(): { done: Promise<void>; fire: () => void } {
  const fired: { fire?: () => void } = {};
  const done = new Promise<void>((resolve) => (fired.fire = resolve));
  return { done, fire: () => fired.fire?.() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function recordsFor(execId: string): Promise<number> {
  return (await executions.list({ mappingId: 'm', limit: 200 })).items.filter((e) => e.execId === execId).length;
}

describe('a slow claimant', () => {
  it('stalled before recording past its lease: it gives the key up and the request that took over records once', async () => {
    const key = `slow-prepare-${Date.now()}`;
    const released: string[] = [];
    const gate = signal();
    const started = signal();
    const slow = recordOnce(deps(), request(key, released, gate.done, started.fire));
    await started.done;
    await sleep(LEASE_MS * 2);
    const other = await recordOnce(deps(), request(key, released));
    gate.fire();
    const late = await slow;
    expect(other.duplicate).toBe(false);
    expect(late).toMatchObject({ duplicate: true, written: { value: { execId: other.written.value.execId } } });
    // It admitted a run it never recorded: what admission took is given back.
    expect(released).toEqual([other.written.value.execId]);
    expect(await recordsFor(other.written.value.execId)).toBe(1);
  });

  it('stalled in its insert past its lease: the two inserts of one execution id record it once', async () => {
    const key = `slow-insert-${Date.now()}`;
    const released: string[] = [];
    const gate = signal();
    const inserting = signal();
    // The slow request's storage answers its insert only when the test says so.
    const stalled: ExecutionStore = {
      ...executions,
      create: async (e) => {
        inserting.fire();
        await gate.done;
        return executions.create(e);
      },
    };
    const slow = recordOnce(deps(stalled), request(key, released));
    await inserting.done;
    await sleep(LEASE_MS * 2);
    const other = await recordOnce(deps(), request(key, released));
    gate.fire();
    const late = await slow;
    const execId = other.written.value.execId;
    expect(late).toMatchObject({ duplicate: true, written: { value: { execId } } });
    expect(released).toEqual([execId]);
    expect(await recordsFor(execId)).toBe(1);
  });
});

describe('an insert whose answer is lost', () => {
  it('answers the run it recorded after all, keeps the key, and a retry is its duplicate', async () => {
    const key = `lost-answer-${Date.now()}`;
    const released: string[] = [];
    // Storage writes the record, then the connection dies before the answer (as in a timeout).
    const lostAnswer: ExecutionStore = {
      ...executions,
      create: async (e) => {
        await executions.create(e);
        throw storageUnavailable(new Error('socket hang up'));
      },
    };
    const first = await recordOnce(deps(lostAnswer), request(key, released));
    const execId = first.written.value.execId;
    expect(first).toMatchObject({ duplicate: false, written: { value: { status: 'queued' } } });
    expect(released).toEqual([]);
    const retry = await recordOnce(deps(), request(key, released));
    expect(retry).toMatchObject({ duplicate: true, written: { value: { execId } } });
    expect(await recordsFor(execId)).toBe(1);
  });

  it('keeps the key when it cannot tell whether the insert landed, so no retry records a second run', async () => {
    const key = `unknown-insert-${Date.now()}`;
    const released: string[] = [];
    const down = () => Promise.reject(storageUnavailable(new Error('ECONNREFUSED')));
    const unreachable: ExecutionStore = { ...executions, create: down, get: down };
    // A lease far longer than this test, so that only the kept key can be what stops the retry.
    const held = (waitMs: number) => ({ ...request(key, released), timing: { leaseMs: 60_000, waitMs } });
    await expect(recordOnce(deps(unreachable), held(5_000))).rejects.toMatchObject({
      code: 'storage_unavailable',
    });
    expect(released).toEqual([]);
    // Within the lease, the key is still held: a retry waits, and answers busy rather than run it again.
    const waiting = { ...held(100), waitUntil: Date.now() + 100 };
    await expect(recordOnce(deps(), waiting)).rejects.toMatchObject({ code: 'busy' });
  });
});
