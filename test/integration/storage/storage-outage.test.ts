// Storage outages: every endpoint answers 503 with a JSON body; a run recorded while the queue is down is not lost.
import { localGuard } from '../../support/guards';
import { HttpRequest, InvocationContext, type HttpFunctionOptions, type HttpResponseInit } from '@azure/functions';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineHealthFunction } from '../../../functions/health';
import { defineLogsFunction } from '../../../functions/logs';
import { defineTriggerFunction } from '../../../functions/trigger';
import { createAppServices } from '../../../src/composition/app-services';
import type { AppServices } from '../../../src/composition/service-groups';
import { createMappingTable } from '../../../src/adapters/mappings/mapping-table';
import { createStorageClients, ensureTables } from '../../../src/adapters/shared/storage-clients';
import type { CloudoConfig } from '../../../src/config/load-config';
import { HOST } from '../../../src/local/free-port';
import { dropStorage } from '../../support/test-runtime';
import { isolatedConfig, sampleMapping } from '../../support/fixtures';
import { inject } from 'vitest';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import type { Logger } from '../../../src/services/shared/ports';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let deadPort: number;
let config: CloudoConfig;
// Storage that is down: a port that resets every connection. Held for the whole file, so no other process can take
// it and answer in the meantime, as it could with a port found free and then released.
const deadServer: Server = createServer((socket) => socket.destroy());

beforeAll(async () => {
  await new Promise<void>((resolve, reject) => {
    deadServer.once('error', reject);
    deadServer.listen(0, HOST, () => resolve());
  });
  deadPort = (deadServer.address() as AddressInfo).port;
  config = isolatedConfig(inject('storageConnection'));
  const clients = createStorageClients(inject('storageConnection'), config);
  await ensureTables(clients);
  await createMappingTable(clients.mappings).upsertAll([sampleMapping()]);
});
afterAll(async () => {
  await new Promise((resolve) => deadServer.close(resolve));
  await dropStorage(config);
});

const withEndpoints = (conn: string, which: RegExp) =>
  conn.replace(which, (m) => m.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${deadPort}`));

async function invoke(fn: HttpFunctionOptions, url: string, method = 'POST'): Promise<HttpResponseInit> {
  const result = await fn.handler(
    new HttpRequest({ method, url }),
    new InvocationContext({ logHandler: () => undefined }),
  );
  return result as HttpResponseInit;
}

describe('storage outages', () => {
  it('answers 503 with Retry-After on every endpoint when storage is down', async () => {
    const down = createAppServices(
      config,
      createStorageClients(withEndpoints(inject('storageConnection'), /\w+Endpoint=[^;]+/g), config),
    );
    for (const [fn, url] of [
      [defineTriggerFunction(() => down.trigger, localGuard), 'http://localhost/api/Trigger?id=m'],
      [defineLogsFunction(() => down.executions, localGuard), 'http://localhost/api/logs'],
      [defineHealthFunction(() => down.health), 'http://localhost/api/health'],
    ] as const) {
      const res = await invoke(fn, url);
      expect(res.status, url).toBe(503);
      expect(res.headers).toMatchObject({ 'Retry-After': '5' });
    }
    const res = await invoke(
      defineTriggerFunction(() => down.trigger, localGuard),
      'http://localhost/api/Trigger?id=m',
    );
    expect(res.jsonBody).toMatchObject({ error: { code: 'storage_unavailable' } });
  });

  it('accepts a run recorded while the queue is down, and the Sweeper sends its message once it is back', async () => {
    const queueDown: AppServices = createAppServices(
      { ...config, requeueAfterSeconds: 1 },
      createStorageClients(withEndpoints(inject('storageConnection'), /QueueEndpoint=[^;]+/), config),
    );
    const res = await invoke(
      defineTriggerFunction(() => queueDown.trigger, localGuard),
      'http://localhost/api/Trigger?id=m',
    );
    expect(res.status).toBe(202);
    const execId = String((res.jsonBody as { execId: string }).execId);
    const healthy = createAppServices({ ...config, requeueAfterSeconds: 1 });
    expect(await healthy.executions.get(execId)).toMatchObject({ status: 'queued' });
    // Nothing is sent before the wait is over: a message may merely be slow.
    expect((await healthy.sweeper.sweep(quiet)).stranded).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await healthy.sweeper.sweep(quiet)).toMatchObject({ stranded: 1, failed: 0 });
    const queue = createStorageClients(inject('storageConnection'), config).queues.getQueueClient(
      queueNameForPool(config.queuePrefix, 'Runbook'),
    );
    const [message] = (await queue.receiveMessages()).receivedMessageItems;
    expect(JSON.parse(Buffer.from(message!.messageText, 'base64').toString('utf8'))).toEqual({ v: 1, execId });
    expect(await healthy.executions.get(execId)).toMatchObject({ status: 'queued', requeues: 1 });
  });
});

describe('health', () => {
  const health = (conn: string) => {
    const services = createAppServices(config, createStorageClients(conn, config));
    return invoke(
      defineHealthFunction(() => services.health),
      'http://localhost/api/health',
      'GET',
    );
  };

  it('answers 200 when tables and queues both answer', async () => {
    const res = await health(inject('storageConnection'));
    expect(res.status).toBe(200);
    expect(res.jsonBody).toEqual({ status: 'ok', storage: 'ok', tables: 'ok', queues: 'ok' });
  });

  // The run queue of the first pool need not exist: a miss proves the queue service answers.
  it.each([
    ['queue', /QueueEndpoint=[^;]+/, { tables: 'ok', queues: 'unavailable' }],
    ['table', /TableEndpoint=[^;]+/, { tables: 'unavailable', queues: 'ok' }],
  ] as const)('answers 503 naming what is down when only the %s service is', async (_service, endpoint, parts) => {
    const res = await health(withEndpoints(inject('storageConnection'), endpoint));
    expect(res.status).toBe(503);
    expect(res.headers).toMatchObject({ 'Retry-After': '5' });
    expect(res.jsonBody).toEqual({ status: 'unavailable', storage: 'unavailable', ...parts });
  });
});
