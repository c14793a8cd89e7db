// GET /api/me: who the caller is and what it may do, with sign-in for each role, and as the local runtime's user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSignedInRuntime } from '../../support/principals';
import { call, mappingDoc, startTestRuntime, type TestRuntime } from '../../support/test-runtime';
import { ADMIN, APPROVER, NOBODY, OPERATOR, READER } from './console-people';

const SETUP = { mappings: mappingDoc('me', [{ id: 'x', name: 'x', runbook: 'x.sh' }]), runbooks: { 'x.sh': 'true\n' } };
const { as } = useSignedInRuntime(SETUP);

let local: TestRuntime | undefined;
beforeAll(async () => {
  local = await startTestRuntime(SETUP);
});
afterAll(async () => local?.stop());

describe('GET /api/me', () => {
  it('answers 401 naming the header without an identity', async () => {
    const res = await as(null, 'GET', 'me');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'unauthorized', field: 'x-ms-client-principal' } });
  });

  it.each([
    [READER, { read: true, run: false, cancel: false, approve: false, audit: 'own' }],
    [OPERATOR, { read: true, run: true, cancel: true, approve: false, audit: 'own' }],
    [APPROVER, { read: true, run: false, cancel: false, approve: true, audit: 'own' }],
    [ADMIN, { read: true, run: true, cancel: true, approve: true, audit: 'all' }],
    [NOBODY, { read: false, run: false, cancel: false, approve: false, audit: 'none' }],
  ])('says what %o may do', async (who, rights) => {
    const res = await as(who, 'GET', 'me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: who.oid,
      name: who.name,
      kind: 'person',
      roles: who.roles ?? [],
      auth: 'principal-header',
      rights,
    });
  });

  it('takes no parameters: a 400 names the one given', async () => {
    const res = await as(READER, 'GET', 'me?verbose=1');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'bad_request', field: 'verbose' } });
  });

  it('is the local user with every right on a local-admin runtime', async () => {
    const res = await call('GET', `${local!.url}/api/me`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 'local',
      name: local!.config.auth.localUser,
      kind: 'person',
      roles: ['ClouDO.Admin'],
      auth: 'local-admin',
      rights: { read: true, run: true, cancel: true, approve: true, audit: 'all' },
    });
  });
});
