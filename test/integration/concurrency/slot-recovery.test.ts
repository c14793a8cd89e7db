// Slots that no run gives back by itself: a lost worker's (the Sweeper), a holder ended without giving it back (the
// next run takes it), a run cancelled after it was handed one (its message gives it back), and a lost wake message.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSlotTable } from '../../../src/adapters/concurrency/slot-table';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createStorageClients, ensureTables } from '../../../src/adapters/shared/storage-clients';
import { createAppServices } from '../../../src/composition/app-services';
import type { AppServices } from '../../../src/composition/service-groups';
import type { CloudoConfig } from '../../../src/config/load-config';
import { runConcurrency } from '../../../src/domain/concurrency/concurrency';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { markWaiting, newExecution, startExecution, type Execution } from '../../../src/domain/runs/execution';
import { requestCancel } from '../../../src/domain/runs/cancel';
import type { ConcurrencyStore } from '../../../src/services/concurrency/ports';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import type { Logger } from '../../../src/services/shared/ports';
import { isolatedConfig, sampleMapping } from '../../support/fixtures';
import { dropStorage } from '../../support/test-runtime';

const connection = inject('storageConnection');
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-slots-'));
let config: CloudoConfig;
let services: AppServices;
let store: ExecutionStore;
let slots: ConcurrencyStore;
let seq = 0;

beforeAll(async () => {
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'quick.sh'), 'echo done\n', { mode: 0o755 });
  config = isolatedConfig(connection, { CLOUDO_RUNBOOKS_DIR: dir, PATH: process.env['PATH'] ?? '' });
  services = createAppServices(config);
  const clients = createStorageClients(connection, config);
  await ensureTables(clients);
  store = createExecutionTable(clients.executions);
  slots = createSlotTable(clients.executions);
});
afterAll(async () => {
  await dropStorage(config);
  rmSync(dir, { recursive: true, force: true });
});

// Runs of one limit-1 mapping of their own, requested `minutesAgo`.
function mappingOfItsOwn() {
  const mapping = sampleMapping({
    id: `one-${++seq}`,
    runbook: 'quick.sh',
    concurrency: { limit: 1, per: 'mapping', onBusy: 'queue' },
  });
  const concurrency = runConcurrency(mapping.partition, mapping.id, mapping.concurrency!, null);
  const record = async (minutesAgo: number, patch: (e: Execution, at: Date) => Execution = (e) => e) => {
    const at = new Date(Date.now() - minutesAgo * 60_000);
    const e = newExecution({
      execId: newExecId(at),
      mapping,
      trigger: 'manual',
      now: at,
      defaultTimeoutSeconds: 60,
      concurrency,
    });
    return (await store.create(patch(e, at))).value;
  };
  return { concurrency, record };
}

const deliver = (execId: string) =>
  services.worker.handleRunMessage({ queueName: 'q', messageId: `m-${execId}`, body: { v: 1, execId } }, quiet);
const holders = async (key: string) => (await slots.inspect(key, 1)).holders.map((h) => h.execId);
const enter = (c: { key: string }, e: Execution) =>
  slots.enter(c.key, 1, { execId: e.execId, worker: e.worker }, true, new Date());

describe('concurrency slots given back without their run', () => {
  it("the Sweeper ends a lost worker's run and hands its slot to the next in line", async () => {
    const { concurrency: c, record } = mappingOfItsOwn();
    const lost = await record(30, (e, at) => startExecution(e, at));
    await enter(c, lost);
    const next = await record(29, (e, at) => markWaiting(e, 'waiting for a slot', at));
    await enter(c, next);
    expect(await holders(c.key)).toEqual([lost.execId]);
    await services.sweeper.sweep(quiet);
    expect((await services.executions.get(lost.execId)).status).toBe('error');
    expect(await holders(c.key)).toEqual([next.execId]);
    expect(await deliver(next.execId)).toBe('ran');
    const done = await services.executions.get(next.execId);
    expect(done.status).toBe('succeeded');
    expect(done.waiting).toBeUndefined();
    expect(await holders(c.key)).toEqual([]);
  });

  it('a run finding the holder over (its slot never given back) takes the slot back and runs', async () => {
    const { concurrency: c, record } = mappingOfItsOwn();
    const over = await record(5, (e, at) => ({
      ...e,
      status: 'succeeded',
      startedAt: at.toISOString(),
      finishedAt: at.toISOString(),
    }));
    await slots.enter(c.key, 1, { execId: over.execId, worker: over.worker }, true, new Date(Date.now() - 5 * 60_000));
    const next = await record(0);
    expect(await deliver(next.execId)).toBe('ran');
    expect((await services.executions.get(next.execId)).status).toBe('succeeded');
  });

  it('a run cancelled after it was handed a slot gives it back when its message comes, waking the next', async () => {
    const { concurrency: c, record } = mappingOfItsOwn();
    const first = await record(3, (e, at) => startExecution(e, at));
    await enter(c, first);
    const cancelled = await record(2);
    await enter(c, cancelled);
    const last = await record(1);
    await enter(c, last);
    // Cancelled without the cancel giving its place back (as if that write was lost), then handed the slot.
    const found = (await store.get(cancelled.execId))!;
    await store.replaceIf(
      requestCancel(found.value, { requestedBy: 'ada', reason: null, requestedAt: new Date().toISOString() }),
      found,
    );
    expect(await slots.leave(c.key, 1, first.execId, new Date())).toEqual([
      { execId: cancelled.execId, worker: 'Runbook' },
    ]);
    expect(await deliver(cancelled.execId)).toBe('duplicate');
    expect(await holders(c.key)).toEqual([last.execId]);
  });

  it('a run in line is sent again by the Sweeper, uncounted, in case its wake message was lost', async () => {
    const { concurrency: c, record } = mappingOfItsOwn();
    // Requested 10 minutes ago, started just now: alive, its lease fresh.
    const holder = await record(10, (e) => startExecution(e, new Date()));
    await enter(c, holder);
    const waiting = await record(9, (e, at) => markWaiting(e, 'waiting for a slot', at));
    await enter(c, waiting);
    await services.sweeper.sweep(quiet);
    const after = await services.executions.get(waiting.execId);
    expect(after).toMatchObject({ status: 'queued', waiting: { reason: 'waiting for a slot' } });
    expect(after.requeuedAt).toBeDefined();
    expect(after.requeues ?? 0).toBe(0);
    // Still in line behind a live holder: the re-sent message finds it waiting, and it is never given up.
    expect(await deliver(waiting.execId)).toBe('waiting');
    expect((await services.executions.get(waiting.execId)).status).toBe('queued');
  });
});
