// A running run's lease against real storage: renewed while the runbook runs, and never over the Sweeper's verdict.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createStorageClients, ensureTables } from '../../../src/adapters/shared/storage-clients';
import type { CloudoConfig } from '../../../src/config/load-config';
import { endUnrun, startExecution } from '../../../src/domain/runs/execution';
import { WORKER_LOST } from '../../../src/domain/runs/lost-run';
import { keepRunLease } from '../../../src/services/worker/keep-run-lease';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import type { Logger, Versioned } from '../../../src/services/shared/ports';
import type { Execution } from '../../../src/domain/runs/execution';
import { isolatedConfig, sampleExecution } from '../../support/fixtures';
import { readUntil } from '../../support/poll';
import { dropStorage } from '../../support/test-runtime';

const warnings: string[] = [];
const log: Logger = { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };
const clock = { now: () => new Date() };
let config: CloudoConfig;
let store: ExecutionStore;

beforeAll(async () => {
  config = isolatedConfig(inject('storageConnection'));
  const clients = createStorageClients(inject('storageConnection'), config);
  await ensureTables(clients);
  store = createExecutionTable(clients.executions);
});
afterAll(async () => dropStorage(config));

async function claimed(): Promise<Versioned<Execution>> {
  const now = new Date();
  const e = sampleExecution(now);
  const created = await store.create(e);
  return (await store.replaceIf(startExecution(e, now), created))!;
}

const leaseOf = async (execId: string) => Date.parse((await store.get(execId))!.value.leaseUntil!);

describe('keepRunLease', () => {
  it('renews the lease while the run goes on, and hands back the version it wrote last', async () => {
    const run = await claimed();
    const taken = Date.parse(run.value.leaseUntil!);
    const lease = keepRunLease({ executions: store, clock, log, leaseRenewMs: 50 }, run);
    await readUntil(
      () => leaseOf(run.value.execId),
      (lease) => lease > taken,
    );
    const latest = await lease.stop();
    expect(latest.etag).not.toBe(run.etag);
    expect(await store.get(run.value.execId)).toMatchObject({ etag: latest.etag, value: { status: 'running' } });
  });

  it('stops renewing once the Sweeper has called the run lost, and leaves its verdict for the result to correct', async () => {
    const run = await claimed();
    await store.replaceIf(endUnrun(run.value, WORKER_LOST, new Date()), run);
    const lease = keepRunLease({ executions: store, clock, log, leaseRenewMs: 50 }, run);
    const ended = `${run.value.execId}: the run was ended while running`;
    await readUntil(
      async () => warnings,
      (seen) => seen.some((w) => w.startsWith(ended)),
    );
    expect(await lease.stop()).toBe(run);
    expect((await store.get(run.value.execId))!.value).toMatchObject({ status: 'error', error: WORKER_LOST });
  });
});
