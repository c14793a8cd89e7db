// The sweep records executions whose worker was lost (its lease ran out), and leaves live and finished ones alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createAppServices } from '../../../src/composition/app-services';
import type { AppServices } from '../../../src/composition/service-groups';
import type { CloudoConfig } from '../../../src/config/load-config';
import { createAlertRecords } from '../../../src/adapters/alerts/alert-records';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createStorageClients, ensureTables } from '../../../src/adapters/shared/storage-clients';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution, startExecution } from '../../../src/domain/runs/execution';
import { WORKER_LOST } from '../../../src/domain/runs/lost-run';
import { silentWriter, createSourceLogger } from '../../../src/local/console-log';
import type { AlertRecordStore } from '../../../src/services/alerts/ports';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import { startOpsgenieStub } from '../../support/opsgenie-stub';
import { dropStorage } from '../../support/test-runtime';
import { isolatedConfig, sampleMapping } from '../../support/fixtures';
import { seedExecutions } from '../../../bench/seed-executions';

const log = createSourceLogger(silentWriter, 'test');
let config: CloudoConfig;
let services: AppServices;
let store: ExecutionStore;
let records: AlertRecordStore;

beforeAll(async () => {
  config = isolatedConfig(inject('storageConnection'));
  services = createAppServices(config);
  await ensureTables(createStorageClients(inject('storageConnection'), config));
  const table = createStorageClients(inject('storageConnection'), config).executions;
  store = createExecutionTable(table);
  records = createAlertRecords(table);
});
afterAll(async () => dropStorage(config));

async function running(startedMinutesAgo: number, oncall = false, timeoutSeconds = 60): Promise<string> {
  const requested = new Date(Date.now() - startedMinutesAgo * 60_000);
  const mapping = sampleMapping({ timeoutSeconds, oncall });
  const e = newExecution({
    execId: newExecId(requested),
    mapping,
    trigger: 'manual',
    now: requested,
    defaultTimeoutSeconds: 60,
  });
  await store.create(e);
  await store.replaceIf(startExecution(e, requested), (await store.get(e.execId))!);
  return e.execId;
}

describe('sweep', () => {
  it('marks only runs far past their deadline as error', async () => {
    const lost = await running(30);
    const live = await running(0);
    expect((await services.sweeper.sweep(log)).lost).toBe(1);
    expect(await services.executions.get(lost)).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/worker lost/),
    });
    expect((await services.executions.get(live)).status).toBe('running');
    expect((await services.sweeper.sweep(log)).lost).toBe(0);
  });

  it('marks a run lost once its worker stopped renewing it, long before its timeout', async () => {
    // An hour to run, but no word from its worker for two minutes: the lease taken when it was claimed is over.
    const silent = await running(2, false, 3600);
    expect((await services.sweeper.sweep(log)).lost).toBe(1);
    expect(await services.executions.get(silent)).toMatchObject({ status: 'error', error: WORKER_LOST });
  });

  it('pages on-call for a lost run of an on-call mapping', async () => {
    const og = await startOpsgenieStub();
    try {
      const paging = createAppServices({
        ...config,
        oncall: { ...config.oncall, opsgenieKey: 'opsgenie-key-for-sweep', opsgenieUrl: og.url },
      });
      const lost = await running(30, true);
      expect((await paging.sweeper.sweep(log)).lost).toBe(1);
      const page = await og.waitFor((r) => r.path === '/v2/alerts');
      expect(page.body).toMatchObject({ details: { execId: lost, status: 'error' } });
      expect((await paging.executions.get(lost)).notifications).toMatchObject([{ state: 'sent', kind: 'failure' }]);
    } finally {
      await og.close();
    }
  });
});

describe('retention', () => {
  it('deletes alert payloads, unmatched records and rejected messages older than the retention period, and only those', async () => {
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    const [oldId, newId] = [newExecId(daysAgo(40)), newExecId(daysAgo(1))];
    await records.putPayload(oldId, '{"old":true}');
    await records.putPayload(newId, '{"new":true}');
    const unmatched = (rule: string) => ({
      receivedAt: new Date().toISOString(),
      source: 'alertmanager',
      alertId: rule,
      rule,
      monitorCondition: 'Fired',
      partition: null,
    });
    await records.recordUnmatched(unmatched('old-rule'), 'old-key', daysAgo(40), '{"old":"delivery"}');
    await records.recordUnmatched(unmatched('new-rule'), 'new-key', daysAgo(1), '{"new":"delivery"}');
    const [newKey, oldKey] = (await records.listUnmatched(10)).map((u) => u.key);
    const rejected = (d: number, messageId: string) => ({
      queue: 'q',
      messageId,
      reason: 'not a run request',
      preview: '{}',
      receivedAt: daysAgo(d).toISOString(),
    });
    await store.recordRejectedMessage(rejected(40, 'old-message'));
    await store.recordRejectedMessage(rejected(1, 'new-message'));
    expect((await services.sweeper.sweep(log)).pruned).toBe(3);
    expect((await store.listRejectedMessages(10)).map((r) => r.messageId)).toEqual(['new-message']);
    expect(await records.getPayload(oldId)).toBeNull();
    expect(await records.getPayload(newId)).toBe('{"new":true}');
    expect((await records.listUnmatched(10)).map((u) => u.rule)).toEqual(['new-rule']);
    // An unmatched alert's delivery lives in its record's row, and goes with it.
    expect(await records.getUnmatched(oldKey!)).toBeNull();
    expect((await records.getUnmatched(newKey!))?.payload).toBe('{"new":"delivery"}');
  });
});

describe('after an upgrade from the old index layout (ADR 0015)', () => {
  it('finds a queued run recorded before it, sends it again, and lists it', async () => {
    const upgraded = isolatedConfig(inject('storageConnection'));
    const clients = createStorageClients(inject('storageConnection'), upgraded);
    await ensureTables(clients);
    try {
      const requested = new Date(Date.now() - 30 * 60_000);
      const e = newExecution({
        execId: newExecId(requested),
        mapping: sampleMapping(),
        trigger: 'manual',
        now: requested,
        defaultTimeoutSeconds: 60,
      });
      await seedExecutions(clients.executions, [e], 'legacy');
      const app = createAppServices(upgraded);
      expect((await app.sweeper.sweep(log)).stranded).toBe(1);
      expect((await app.executions.get(e.execId)).requeues).toBe(1);
      const listed = await createExecutionTable(clients.executions).list({ status: 'queued', limit: 10 });
      expect(listed.items.map((x) => x.execId)).toEqual([e.execId]);
    } finally {
      await dropStorage(upgraded);
    }
  });
});
