// Attack: storage that refuses ClouDO (403: a role assignment removed, an expired SAS, a rotated key, a firewall rule)
// must give senders a retriable 503, as any other storage failure does, not a 500 they never retry.
import { localGuard } from '../../support/guards';
import { HttpRequest, InvocationContext, type HttpFunctionOptions, type HttpResponseInit } from '@azure/functions';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defineLogsFunction } from '../../../functions/logs';
import { defineTriggerFunction } from '../../../functions/trigger';
import { createStorageClients } from '../../../src/adapters/shared/storage-clients';
import { createAppServices } from '../../../src/composition/app-services';
import { HOST } from '../../../src/local/free-port';
import { isolatedConfig } from '../../support/fixtures';

// What Azure Storage answers an identity that lost its data role.
const REFUSAL = JSON.stringify({
  'odata.error': {
    code: 'AuthorizationPermissionMismatch',
    message: {
      lang: 'en-US',
      value: 'This request is not authorized to perform this operation using this permission.',
    },
  },
});
const refusing: Server = createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    res.writeHead(403, { 'content-type': 'application/json', 'x-ms-error-code': 'AuthorizationPermissionMismatch' });
    res.end(REFUSAL);
  });
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => refusing.listen(0, HOST, () => resolve()));
  port = (refusing.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => refusing.close(resolve));
});

async function invoke(fn: HttpFunctionOptions, url: string, body?: string): Promise<HttpResponseInit> {
  const init =
    body === undefined
      ? {}
      : {
          body: { string: body },
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        };
  const result = await fn.handler(
    new HttpRequest({ method: url.includes('/logs') ? 'GET' : 'POST', url, ...init }),
    new InvocationContext({ logHandler: () => undefined }),
  );
  return result as HttpResponseInit;
}

const ALERT = JSON.stringify({
  schemaId: 'azureMonitorCommonAlertSchema',
  data: {
    essentials: { alertId: 'a-403', alertRule: 'm', monitorCondition: 'Fired', firedDateTime: '2025-01-01T00:00:00Z' },
    alertContext: {},
  },
});

describe('storage that answers 403', () => {
  it('gives every route a 503 with Retry-After naming storage, never a 500', async () => {
    const conn = inject('storageConnection').replace(/127\.0\.0\.1:\d+/g, `127.0.0.1:${port}`);
    const config = isolatedConfig(conn);
    const services = createAppServices(config, createStorageClients(conn, config));
    const cases: [HttpFunctionOptions, string, string?][] = [
      [defineTriggerFunction(() => services.trigger, localGuard), 'http://localhost/api/Trigger?id=m'],
      [defineTriggerFunction(() => services.trigger, localGuard), 'http://localhost/api/Trigger', ALERT],
      [defineLogsFunction(() => services.executions, localGuard), 'http://localhost/api/logs'],
    ];
    for (const [fn, url, body] of cases) {
      const res = await invoke(fn, url, body);
      expect(res.status, `${url}${body ? ' with an alert' : ''}: ${JSON.stringify(res.jsonBody)}`).toBe(503);
      expect(res.headers).toMatchObject({ 'Retry-After': '5' });
      expect(res.jsonBody).toMatchObject({ error: { code: 'storage_unavailable' } });
    }
  });
});
