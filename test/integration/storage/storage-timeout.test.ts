// A storage endpoint that accepts connections and never answers: requests end in 503, not in a hang.
import { localGuard } from '../../support/guards';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineHealthFunction } from '../../../functions/health';
import { defineTriggerFunction } from '../../../functions/trigger';
import { createStorageClients } from '../../../src/adapters/shared/storage-clients';
import { createAppServices } from '../../../src/composition/app-services';
import { loadConfig } from '../../../src/config/load-config';

let server: Server;
const sockets = new Set<Socket>();
let port = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    // Swallow the request; never answer.
    sockets.add(socket);
    socket.on('data', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function silentConnection(): string {
  const endpoint = `http://127.0.0.1:${port}/devstoreaccount1`;
  return (
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    `TableEndpoint=${endpoint};QueueEndpoint=${endpoint};`
  );
}

describe('unresponsive storage', () => {
  it('answers 503 once the per-try timeouts and retries are spent', async () => {
    const conn = silentConnection();
    const config = loadConfig({});
    const services = createAppServices(config, createStorageClients(conn, config));
    const request = new HttpRequest({ method: 'POST', url: 'http://localhost/api/Trigger?id=m' });
    const context = new InvocationContext({ logHandler: () => undefined });
    const res = (await defineTriggerFunction(() => services.trigger, localGuard).handler(
      request,
      context,
    )) as HttpResponseInit;
    expect(res.status).toBe(503);
    expect(res.jsonBody).toMatchObject({ error: { code: 'storage_unavailable' } });
  }, 90_000);
});

describe('health on unresponsive storage', () => {
  // The storage clients alone would wait 3 tries of 5 s; the probe's own bound answers well before this test's
  // generous deadline, which is below those 15 s.
  it('answers 503 naming both parts instead of waiting out the clients', async () => {
    const config = loadConfig({});
    const services = createAppServices(config, createStorageClients(silentConnection(), config));
    const request = new HttpRequest({ method: 'GET', url: 'http://localhost/api/health' });
    const context = new InvocationContext({ logHandler: () => undefined });
    const res = (await defineHealthFunction(() => services.health).handler(request, context)) as HttpResponseInit;
    expect(res.status).toBe(503);
    expect(res.jsonBody).toMatchObject({ tables: 'unavailable', queues: 'unavailable' });
  }, 12_000);
});
