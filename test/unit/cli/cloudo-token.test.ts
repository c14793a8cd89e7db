// The CLI's credentials: a bearer token (CLOUDO_TOKEN) and the key go to ClouDO's own origin, never elsewhere.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../../../src/adapters/operator/cloudo-api';
import { loadOperatorSettings } from '../../../src/config/operator-settings';

const seen: http.IncomingHttpHeaders[] = [];
const servers: http.Server[] = [];
const listen = async () => {
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
let ours: string;
let other: string;
beforeAll(async () => {
  ours = await listen();
  other = await listen();
});
afterAll(() => servers.forEach((s) => s.close()));

describe('CLOUDO_TOKEN', () => {
  it('is read from the environment and sent as a bearer token to ClouDO only', async () => {
    const settings = loadOperatorSettings(undefined, { CLOUDO_URL: ours, CLOUDO_TOKEN: ' eyJ.token ' });
    expect(settings.token).toBe('eyJ.token');
    const target = { url: settings.url, key: 'k', token: settings.token };
    await callApi(target, { method: 'GET', path: '/api/logs' });
    expect(seen.at(-1)).toMatchObject({ authorization: 'Bearer eyJ.token', 'x-functions-key': 'k' });
    await callApi(target, { method: 'GET', path: `${other}/api/approvals/x/approve` });
    expect(seen.at(-1)?.authorization).toBeUndefined();
    expect(seen.at(-1)?.['x-functions-key']).toBeUndefined();
  });
});
