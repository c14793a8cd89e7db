// People's routes on their own, as Azure would call them: a state change another site asks for never reaches the use
// case, whatever it sends; reads and ClouDO's own pages go through.
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { defineCancelFunction } from '../../../functions/cancel';
import type { AppServices } from '../../../src/composition/service-groups';
import { localGuard } from '../../support/guards';

const EXEC = '20261122T100000000Z-00000001';

// Every service call fails the request with a 500: a 403 shows the request was refused before any.
const services = new Proxy({} as AppServices['control'], {
  get: (_t, name) => () => Promise.reject(new Error(`${String(name)} must not be called`)),
});

async function cancel(headers: Record<string, string>): Promise<HttpResponseInit> {
  const request = new HttpRequest({
    method: 'POST',
    url: `https://cloudo.example.com/api/logs/${EXEC}/cancel`,
    headers: { host: 'cloudo.example.com', ...headers },
    params: { execId: EXEC },
  });
  const fn = defineCancelFunction(() => services, localGuard);
  return (await fn.handler(request, new InvocationContext({ logHandler: () => undefined }))) as HttpResponseInit;
}

describe('cross-site state changes', () => {
  it.each([
    ['a cross-site form post', { 'sec-fetch-site': 'cross-site' }],
    ['a post from a sibling subdomain', { 'sec-fetch-site': 'same-site' }],
    ['an older browser posting from elsewhere', { origin: 'https://evil.example' }],
    ['a sandboxed frame', { origin: 'null' }],
  ])('refuses %s with 403', async (_name, headers) => {
    const res = await cancel(headers);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.jsonBody)).toContain('Cross-site requests may not change anything');
  });

  it.each([
    ['the console itself', { 'sec-fetch-site': 'same-origin', origin: 'https://cloudo.example.com' }],
    ['a program (no browser headers)', {}],
  ])('lets %s through to the use case', async (_name, headers) => {
    expect((await cancel(headers)).status).toBe(500);
  });
});
