// The approvals function on its own, as Azure would call it: cross-site form posts never reach a decision.
import { localGuard } from '../../support/guards';
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { defineApprovalsFunction } from '../../../functions/approvals';
import type { ApprovalServices } from '../../../src/composition/service-groups';

const URL_ = 'https://cloudo.example.com/api/approvals/20261122T100000000Z-00000001/approve?exp=1&sig=x';

// Every service call is a failure of the test: the request must be refused before any.
const services = new Proxy({} as ApprovalServices, {
  get: (_t, name) => () => Promise.reject(new Error(`${String(name)} must not be called`)),
});

async function post(headers: Record<string, string>): Promise<HttpResponseInit> {
  const request = new HttpRequest({
    method: 'POST',
    url: URL_,
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'cloudo.example.com', ...headers },
    params: { execId: '20261122T100000000Z-00000001', action: 'approve' },
    body: { string: 'name=alice' },
  });
  const fn = defineApprovalsFunction(() => services, localGuard);
  return (await fn.handler(request, new InvocationContext({ logHandler: () => undefined }))) as HttpResponseInit;
}

describe('approvals function', () => {
  it.each([
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
    ['a same-site fetch from a sibling domain', { 'sec-fetch-site': 'same-site' }],
    ['an older browser posting from elsewhere', { origin: 'https://evil.example' }],
  ])('refuses %s with 403', async (_name, headers) => {
    const res = await post(headers);
    expect(res.status).toBe(403);
    expect(String(res.body)).toContain('cross-site');
  });

  it('lets the page’s own form through to the decision', async () => {
    const res = await post({ 'sec-fetch-site': 'same-origin', origin: 'https://cloudo.example.com' });
    // The stand-in services refuse, so reaching them shows as a 500: the request got past the check.
    expect(res.status).toBe(500);
  });
});
