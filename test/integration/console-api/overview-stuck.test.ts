// The overview's live counts on real storage, with records aged by hand: runs the Sweeper would call stuck (a lost
// worker, a message that never reached one) and pages still owed, failing or not.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAppServices } from '../../../src/composition/app-services';
import type { AppServices } from '../../../src/composition/service-groups';
import type { CloudoConfig } from '../../../src/config/load-config';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createRunCensus } from '../../../src/adapters/runs/execution-census';
import { createStorageClients, ensureTables } from '../../../src/adapters/shared/storage-clients';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution, startExecution, type Execution } from '../../../src/domain/runs/execution';
import { newNotification } from '../../../src/domain/oncall/notification';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import { dropStorage } from '../../support/test-runtime';
import { isolatedConfig, sampleMapping } from '../../support/fixtures';

let config: CloudoConfig;
let services: AppServices;
let store: ExecutionStore;
let census: ReturnType<typeof createRunCensus>;

beforeAll(async () => {
  config = isolatedConfig(inject('storageConnection'));
  services = createAppServices(config);
  const clients = createStorageClients(inject('storageConnection'), config);
  await ensureTables(clients);
  store = createExecutionTable(clients.executions);
  census = createRunCensus(clients.executions);
});
afterAll(async () => dropStorage(config));

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

function requested(minutes: number): Execution {
  const at = minutesAgo(minutes);
  const mapping = sampleMapping({ timeoutSeconds: 60 });
  return newExecution({ execId: newExecId(at), mapping, trigger: 'manual', now: at, defaultTimeoutSeconds: 60 });
}

async function started(minutes: number): Promise<void> {
  const e = requested(minutes);
  await store.create(e);
  await store.replaceIf(startExecution(e, minutesAgo(minutes)), (await store.get(e.execId))!);
}

describe('the overview of live work', () => {
  it('counts what the Sweeper would act on as stuck, and nothing younger', async () => {
    await started(30); // its worker stopped renewing the lease long ago
    await started(0); // running, its lease fresh
    await store.create(requested(30)); // queued half an hour, its message never taken
    await store.create(requested(0)); // just queued
    const o = await services.overview.read(24);
    expect(o.stuck).toBe(2);
    expect(o.runs).toMatchObject({ total: 4, byStatus: { running: 2, queued: 2 }, failureRate: 0, capped: false });
  });

  it('counts pages not yet delivered, those failing, and the oldest', async () => {
    const pending = newNotification('opsgenie', 'create', 'failure', 'a1', minutesAgo(5));
    const failing = { ...newNotification('chat', 'create', 'failure', '', minutesAgo(9)), state: 'failing' as const };
    const sent = { ...newNotification('opsgenie', 'close', 'recovered', 'a2', minutesAgo(20)), state: 'sent' as const };
    await store.create({ ...requested(10), status: 'failed', notifications: [pending, failing] });
    await store.create({ ...requested(20), status: 'succeeded', notifications: [sent] });
    const o = await services.overview.read(1);
    expect(o.oncall).toEqual({ owed: 2, failing: 1, oldestOwedAt: failing.createdAt });
    expect(o.runs.failureRate).toBe(0.5);
    expect(o.poisonMessages).toEqual({
      total: 0,
      queues: expect.arrayContaining([{ name: `${config.intakeQueue}-poison`, count: 0 }]),
    });
  });

  it('stops counting at its cap, and says so', async () => {
    const all = await census.statusesSince(minutesAgo(60), 100);
    expect(all.capped).toBe(false);
    const total = Object.values(all.byStatus).reduce((a, b) => a + b, 0);
    const capped = await census.statusesSince(minutesAgo(60), total - 1);
    expect(capped.capped).toBe(true);
    expect(Object.values(capped.byStatus).reduce((a, b) => a + b, 0)).toBe(total - 1);
    // Only the window: the run requested 30 minutes ago is outside the last 25 minutes.
    const recent = await census.statusesSince(minutesAgo(25), 100);
    expect(Object.values(recent.byStatus).reduce((a, b) => a + b, 0)).toBe(total - 2);
    expect(await census.countWithStatus('running', 1)).toEqual({ count: 1, capped: true });
    expect(await census.countWithStatus('running', 5)).toEqual({ count: 2, capped: false });
  });
});
