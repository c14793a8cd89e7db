// The sweep records executions whose worker was lost, and leaves live and finished ones alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createAppServices, type AppServices } from '../../src/composition';
import type { CloudoConfig } from '../../src/config';
import { createExecutionTable } from '../../src/adapters/execution-table';
import { createStorageClients } from '../../src/adapters/storage-clients';
import { newExecId } from '../../src/domain/exec-id';
import { newExecution, startExecution } from '../../src/domain/execution';
import { silentWriter, sourceLogger } from '../../src/local/console-log';
import type { ExecutionStore } from '../../src/services/ports';
import { dropStorage } from '../support/test-runtime';
import { isolatedConfig, sampleMapping } from '../support/fixtures';

const log = sourceLogger(silentWriter, 'test');
let config: CloudoConfig;
let services: AppServices;
let store: ExecutionStore;

beforeAll(async () => {
  config = isolatedConfig(inject('storageConnection'));
  services = createAppServices(config);
  await services.checkStorage();
  store = createExecutionTable(createStorageClients(inject('storageConnection'), config).executions);
});
afterAll(async () => dropStorage(config));

async function running(startedMinutesAgo: number): Promise<string> {
  const requested = new Date(Date.now() - startedMinutesAgo * 60_000);
  const mapping = sampleMapping({ timeoutSeconds: 60 });
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
    expect(await services.sweepLostExecutions(log)).toBe(1);
    expect(await services.getExecution(lost)).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/worker lost/),
    });
    expect((await services.getExecution(live)).status).toBe('running');
    expect(await services.sweepLostExecutions(log)).toBe(0);
  });
});
