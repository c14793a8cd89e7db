// Re-delivery against real storage: poisoned run messages are sent again or dropped, stranded runs run once or are
// given up (paging on-call), and a worker's result survives a table outage and the Sweeper's "worker lost".
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createStorageClients, ensureTables } from '../../../src/adapters/shared/storage-clients';
import { createAppServices } from '../../../src/composition/app-services';
import type { AppServices } from '../../../src/composition/service-groups';
import type { CloudoConfig } from '../../../src/config/load-config';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { endUnrun, newExecution, type Execution } from '../../../src/domain/runs/execution';
import { WORKER_LOST } from '../../../src/domain/runs/lost-run';
import type { Mapping } from '../../../src/domain/mappings/mapping';
import { MAX_REQUEUES } from '../../../src/domain/runs/redelivery';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import type { Logger } from '../../../src/services/shared/ports';
import { isolatedConfig, sampleMapping } from '../../support/fixtures';
import { startOpsgenieStub } from '../../support/opsgenie-stub';
import { readUntil } from '../../support/poll';
import { proxyTables } from '../../support/tcp-proxy';
import { dropStorage } from '../../support/test-runtime';

const connection = inject('storageConnection');
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-redelivery-'));
let config: CloudoConfig;
let services: AppServices;
let store: ExecutionStore;

beforeAll(async () => {
  // Readable by whichever user runs runbooks.
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'slow.sh'), 'sleep 1\necho finished\n', { mode: 0o755 });
  config = isolatedConfig(connection, { CLOUDO_RUNBOOKS_DIR: dir, PATH: process.env['PATH'] ?? '' });
  services = createAppServices(config);
  await ensureTables(createStorageClients(connection, config));
  store = createExecutionTable(createStorageClients(connection, config).executions);
});
afterAll(async () => {
  await dropStorage(config);
  rmSync(dir, { recursive: true, force: true });
});

async function recorded(
  mapping: Mapping = sampleMapping(),
  patch: Partial<Execution> = {},
  now = new Date(),
): Promise<Execution> {
  const e = newExecution({ execId: newExecId(now), mapping, trigger: 'manual', now, defaultTimeoutSeconds: 60 });
  return (await store.create({ ...e, ...patch })).value;
}

const queueOf = (suffix = '') =>
  createStorageClients(connection, config).queues.getQueueClient(
    `${queueNameForPool(config.queuePrefix, 'Runbook')}${suffix}`,
  );
const encode = (execId: string) => Buffer.from(JSON.stringify({ v: 1, execId })).toString('base64');
const decode = (text: string) => JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;

describe('poison queues', () => {
  it('sends a queued run again, drops the message of a run that ended, and leaves what is not a run message', async () => {
    const [pool, poison] = [queueOf(), queueOf('-poison')];
    await Promise.all([pool.createIfNotExists(), poison.createIfNotExists()]);
    const stuck = await recorded();
    const done = await recorded(sampleMapping(), { status: 'succeeded', finishedAt: new Date().toISOString() });
    for (const text of [encode(stuck.execId), encode(done.execId), 'not a run message']) await poison.sendMessage(text);
    expect(await services.sweeper.sweep(quiet)).toMatchObject({ poisoned: 2, failed: 0 });
    const sent = (await pool.receiveMessages({ numberOfMessages: 32 })).receivedMessageItems;
    expect(sent.map((m) => decode(m.messageText))).toEqual([{ v: 1, execId: stuck.execId }]);
    expect(await services.executions.get(stuck.execId)).toMatchObject({ status: 'queued', requeues: 1 });
    expect(await services.executions.get(done.execId)).toMatchObject({ status: 'succeeded' });
    // The junk message is hidden for a while, not deleted: a person decides about it.
    expect((await poison.getProperties()).approximateMessagesCount).toBe(1);
  });
});

describe('stranded runs', () => {
  it(`gives a run up after ${MAX_REQUEUES} re-deliveries and pages on-call`, async () => {
    const og = await startOpsgenieStub();
    try {
      const oncall = { ...config.oncall, opsgenieKey: 'opsgenie-key-for-redelivery', opsgenieUrl: og.url };
      const paging = createAppServices({ ...config, requeueAfterSeconds: 1, oncall });
      const longAgo = new Date(Date.now() - 3600_000).toISOString();
      const requested = new Date(Date.now() - 7200_000);
      // A pool of its own: an empty queue, so no backlog can explain the wait.
      const e = await recorded(
        sampleMapping({ oncall: true, worker: 'Stranded' }),
        { requeues: MAX_REQUEUES, requeuedAt: longAgo },
        requested,
      );
      expect((await paging.sweeper.sweep(quiet)).stranded).toBeGreaterThanOrEqual(1);
      expect(await paging.executions.get(e.execId)).toMatchObject({
        status: 'error',
        error: `never reached a worker: no worker took it after ${MAX_REQUEUES} re-deliveries`,
      });
      const page = await og.waitFor((r) => r.path === '/v2/alerts');
      expect(page.body).toMatchObject({ details: { execId: e.execId, status: 'error' } });
    } finally {
      await og.close();
    }
  });
});

describe('a backlog', () => {
  it('is waited out: a run whose pool queue still holds messages is not given up', async () => {
    const queue = createStorageClients(connection, config).queues.getQueueClient(
      queueNameForPool(config.queuePrefix, 'Backlog'),
    );
    await queue.createIfNotExists();
    await queue.sendMessage(encode('20261203T000000000Z-00000000'));
    const longAgo = new Date(Date.now() - 3600_000);
    const patch = { requeues: MAX_REQUEUES, requeuedAt: longAgo.toISOString() };
    const e = await recorded(sampleMapping({ worker: 'Backlog' }), patch, longAgo);
    await services.sweeper.sweep(quiet);
    expect(await services.executions.get(e.execId)).toMatchObject({ status: 'queued', requeues: MAX_REQUEUES });
  });
});

describe('a worker whose table goes away', () => {
  it('records its result once the table is back, over the "worker lost" the Sweeper wrote meanwhile', async () => {
    const { proxy, connection: viaProxy } = await proxyTables(connection);
    try {
      const worker = createAppServices(config, createStorageClients(viaProxy, config));
      const e = await recorded(sampleMapping({ runbook: 'slow.sh' }));
      const handled = worker.worker.handleRunMessage(
        { queueName: 'q', messageId: 'm', body: { v: 1, execId: e.execId } },
        quiet,
      );
      await readUntil(
        () => services.executions.get(e.execId),
        (x) => x.status === 'running',
      );
      proxy.down();
      // The Sweeper's verdict, written while the worker cannot reach the table.
      const running = (await store.get(e.execId))!;
      await store.replaceIf(endUnrun(running.value, WORKER_LOST, new Date()), running);
      await new Promise((r) => setTimeout(r, 2500));
      proxy.up();
      expect(await handled).toBe('ran');
      expect(await services.executions.get(e.execId)).toMatchObject({
        status: 'succeeded',
        exitCode: 0,
        output: 'finished\n',
      });
    } finally {
      await proxy.close();
    }
  });
});
