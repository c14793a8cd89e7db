// Submitting and recording once, on the in-memory fakes: every branch of "nothing accepted is lost" and "at most once".
import { describe, expect, it } from 'vitest';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution, type Execution } from '../../../src/domain/runs/execution';
import { AppError, isAlreadyExists, storageUnavailable, writeOutcomeUnknown } from '../../../src/domain/shared/errors';
import { recordOnce, type OnceRequest } from '../../../src/services/runs/record-once';
import { submitExecution } from '../../../src/services/runs/submit-execution';
import type { Logger } from '../../../src/services/shared/ports';
import { createFakeClaimStore } from '../../support/fakes/claim-store';
import { createFakeExecutionStore } from '../../support/fakes/execution-store';
import { createFakeRunQueue } from '../../support/fakes/run-queue';
import { sampleMapping } from '../../support/fixtures';

const NOW = new Date('2026-03-01T00:00:00.000Z');

function setup() {
  const warnings: string[] = [];
  const log: Logger = { info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined };
  const deps = { executions: createFakeExecutionStore(), queue: createFakeRunQueue(), log, clock: { now: () => NOW } };
  return { deps, warnings };
}

function execution(now = NOW, admission?: Parameters<typeof newExecution>[0]['admission']): Execution {
  const args = {
    execId: newExecId(now),
    mapping: sampleMapping(),
    trigger: 'manual' as const,
    now,
    defaultTimeoutSeconds: 60,
  };
  return newExecution({ ...args, ...(admission ? { admission } : {}) });
}

describe('submitExecution', () => {
  it('records a queued run, then sends its one message', async () => {
    const { deps } = setup();
    const e = execution();
    expect((await submitExecution(deps, e)).value).toEqual(e);
    expect(deps.executions.records()).toEqual([e]);
    expect(deps.queue.sent('Runbook')).toEqual([{ v: 1, execId: e.execId }]);
  });

  it('accepts a run whose message could not be sent: it is recorded queued, for the Sweeper to send', async () => {
    const { deps, warnings } = setup();
    deps.queue.failNextEnqueue(storageUnavailable(new Error('queue down')));
    const e = execution();
    expect((await submitExecution(deps, e)).value.status).toBe('queued');
    expect(deps.queue.sent('Runbook')).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining(`${e.execId} is recorded but its message was not sent`)]);
  });

  it('refuses what it could not record, and sends nothing', async () => {
    const { deps } = setup();
    deps.executions.failNext('create', storageUnavailable(new Error('table down')));
    await expect(submitExecution(deps, execution())).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(deps.executions.records()).toEqual([]);
    expect(deps.queue.sent('Runbook')).toEqual([]);
  });

  it('accepts once an insert the client retried after losing its answer, and refuses a stranger under its id', async () => {
    const { deps } = setup();
    const e = execution();
    await deps.executions.create(e);
    expect((await submitExecution(deps, e)).value).toEqual(e);
    const stranger = { ...e, requestedAt: new Date(NOW.getTime() + 1).toISOString() };
    expect(isAlreadyExists(await submitExecution(deps, stranger).catch((err: unknown) => err))).toBe(true);
    expect(deps.executions.records()).toEqual([e]);
  });

  it('accepts a run whose insert landed with its answer lost, reading it back once storage answers again', async () => {
    const { deps, warnings } = setup();
    const e = execution();
    const store = deps.executions;
    const executions = {
      ...store,
      create: async (x: Execution) => {
        await store.create(x);
        throw writeOutcomeUnknown(new Error('connection reset'));
      },
    };
    store.failNext('get', storageUnavailable(new Error('table down')), 2);
    const written = await submitExecution({ ...deps, executions, landedWaitMs: 5000 }, e);
    expect(written.value).toEqual(e);
    expect(deps.queue.sent('Runbook')).toEqual([{ v: 1, execId: e.execId }]);
    expect(warnings).toEqual([expect.stringContaining(`${e.execId}: its insert's answer was lost`)]);
  });

  it('refuses, sending nothing, an insert whose answer was lost when the read back finds nothing', async () => {
    const { deps } = setup();
    deps.executions.failNext('create', writeOutcomeUnknown(new Error('connection reset')));
    await expect(submitExecution(deps, execution())).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(deps.executions.records()).toEqual([]);
    expect(deps.queue.sent('Runbook')).toEqual([]);
  });

  it('names the run in its 503 when storage cannot say, within the wait, whether the insert landed', async () => {
    const { deps } = setup();
    const e = execution();
    deps.executions.failNext('create', writeOutcomeUnknown(new Error('connection reset')));
    deps.executions.failNext('get', storageUnavailable(new Error('table down')), 100);
    const err = await submitExecution({ ...deps, landedWaitMs: 0 }, e).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'storage_unavailable', details: { execId: e.execId } });
    expect((err as Error).message).toContain(`GET /api/logs/${e.execId}`);
    expect(deps.queue.sent('Runbook')).toEqual([]);
  });

  it('records a throttled run without queueing it', async () => {
    const { deps } = setup();
    const e = execution(NOW, {
      status: 'throttled',
      reason: 'budget spent',
      budget: { count: 1, windowSeconds: 3600, per: 'mapping', recent: [] },
    });
    expect((await submitExecution(deps, e)).value.status).toBe('throttled');
    expect(deps.queue.sent('Runbook')).toEqual([]);
  });
});

describe('recordOnce', () => {
  const request = (claims: OnceRequest['claims'], fingerprint: string): OnceRequest => ({
    claims,
    key: 'request-1',
    fingerprint,
    mismatch: () => new AppError('conflict', 'key reused for another mapping'),
    timing: { leaseMs: 30_000, waitMs: 0 },
    waitUntil: 0,
    busy: 'busy',
    prepare: async (execId, now) => ({ execution: { ...execution(now), execId } }),
  });

  it('records one run per key: a repeat answers with the first one, as a duplicate', async () => {
    const { deps } = setup();
    const claims = createFakeClaimStore();
    const first = await recordOnce(deps, request(claims, 'p/m'));
    const again = await recordOnce(deps, request(claims, 'p/m'));
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, written: { value: { execId: first.written.value.execId } } });
    expect(deps.executions.records()).toHaveLength(1);
    expect(deps.queue.sent('Runbook')).toHaveLength(1);
  });

  it('refuses a key reused for something else, recording nothing more', async () => {
    const { deps } = setup();
    const claims = createFakeClaimStore();
    await recordOnce(deps, request(claims, 'p/m'));
    await expect(recordOnce(deps, request(claims, 'p/other'))).rejects.toThrow('key reused for another mapping');
    expect(deps.executions.records()).toHaveLength(1);
  });
});
