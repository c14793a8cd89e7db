// Sign-in, roles and audit without sign-in (the local runtime's default, local-admin, which decides
// approvals exactly as `keys` deployments do): X-MS-CLIENT-PRINCIPAL-NAME "names the record and grants nothing"
// (docs/access.md), and "four_eyes then refuses typed names". Real runtime, real Azurite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappingDoc, startTestRuntime, type TestRuntime } from '../../support/test-runtime';

type Json = Record<string, unknown>;
const RUNBOOKS = { 'hello.sh': '#!/usr/bin/env bash\necho hello\n' };
const MAPPINGS = mappingDoc('revlocal', [
  { id: 'gated', name: 'gated', runbook: 'hello.sh', require_approval: true, four_eyes: true },
]);

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
});
afterAll(async () => rt?.stop());

async function post(route: string, headers: Record<string, string>, body: unknown) {
  const res = await fetch(`${rt.url}/api/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Json };
}

const NAME = 'x-ms-client-principal-name';

describe('four eyes without sign-in', () => {
  it('refuses a typed name (control)', async () => {
    const asked = await post('runs?id=gated', { [NAME]: 'alice' }, {});
    expect(asked.status).toBe(202);
    const approve = String((asked.body['links'] as Json)['approve']).replace(/^https?:\/\/[^/]+\/api\//, '');
    const res = await post(approve, {}, { name: 'bob' });
    expect(res.status).toBe(403);
  });

  it('refuses a self-declared X-MS-CLIENT-PRINCIPAL-NAME just like a typed name (nothing verified it)', async () => {
    const asked = await post('runs?id=gated', { [NAME]: 'alice' }, {});
    expect(asked.status).toBe(202);
    const approve = String((asked.body['links'] as Json)['approve']).replace(/^https?:\/\/[^/]+\/api\//, '');
    // alice herself, saying she is bob in a header nothing checks (no App Service authentication in front).
    const res = await post(approve, { [NAME]: 'bob' }, {});
    expect(res.status, JSON.stringify(res.body)).toBe(403);
  });

  it('never records a header name as signed in', async () => {
    const items = ((await (await fetch(`${rt.url}/api/audit?action=run.approved`)).json()) as Json)['items'] as Json[];
    for (const r of items) expect((r['detail'] as Json)['signedIn'], JSON.stringify(r)).toBe(false);
  });
});
