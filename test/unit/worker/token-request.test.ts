// Token requests to the runbook identity's broker: App Service's protocol, for the runbook identity and no other.
import { describe, expect, it } from 'vitest';
import { parseTokenRequest, toScope } from '../../../src/domain/worker/token-request';

const ID = '22222222-bbbb-4bbb-8bbb-222222222222';
const OTHER = '11111111-aaaa-4aaa-8aaa-111111111111';
const query = (q: string) => [...new URLSearchParams(q)] as [string, string][];
const parse = (q: string) => parseTokenRequest(query(q), ID);
const base = 'api-version=2019-08-01&resource=https://vault.azure.net';

describe('token requests', () => {
  it('serves a resource with no identity named, or the runbook identity by client id (any case)', () => {
    expect(parse(base)).toEqual({ ok: true, resource: 'https://vault.azure.net' });
    expect(parse(`${base}&client_id=${ID.toUpperCase()}`)).toEqual({ ok: true, resource: 'https://vault.azure.net' });
    // Parameters clients add beside these are ignored.
    expect(parse(`${base}&xms_cc=cp1&token_sha256_to_refresh=ab`)).toMatchObject({ ok: true });
  });

  it('refuses any other identity, however it is named', () => {
    for (const other of [`client_id=${OTHER}`, `object_id=${OTHER}`, `principal_id=${OTHER}`, 'mi_res_id=/sub/x'])
      expect(parse(`${base}&${other}`), other).toEqual({
        ok: false,
        status: 400,
        message: expect.stringContaining(`runbooks act as client id ${ID} only`) as string,
      });
  });

  it('names what is wrong with a request', () => {
    const message = (q: string) => {
      const v = parse(q);
      return v.ok ? '' : v.message;
    };
    expect(message('resource=https://vault.azure.net')).toMatch(/^api-version: must be 2019-08-01/);
    expect(message('api-version=2017-09-01&resource=x')).toMatch(/^api-version:/);
    expect(message('api-version=2019-08-01')).toMatch(/^resource: required/);
    expect(message('api-version=2019-08-01&resource=')).toMatch(/^resource: a resource URI/);
    expect(message('api-version=2019-08-01&resource=a b')).toMatch(/^resource:/);
    expect(message(`${base}&resource=https://management.azure.com/`)).toBe('resource: given more than once');
    expect(message(`${base}&client_id=${ID}&client_id=${OTHER}`)).toBe('client_id: given more than once');
  });

  it('maps a resource to the scope Azure SDK credentials map back to it exactly', () => {
    expect(toScope('https://management.azure.com/')).toBe('https://management.azure.com//.default');
    expect(toScope('https://vault.azure.net')).toBe('https://vault.azure.net/.default');
  });
});
