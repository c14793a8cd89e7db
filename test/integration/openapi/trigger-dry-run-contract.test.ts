// Trigger's dry runs match the OpenAPI document: without sign-in (the local user), a key holder may ask what a
// mapping or an alert delivery would do, and the answers are checked against GET /api/openapi.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedFetch, createOpenApiCheck, fetchOpenApiDoc, type Ask } from '../../support/openapi-check';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime';
import { MAPPINGS, RUNBOOKS, unclaimedAlert } from '../console-api/console-people';

let rt: TestRuntime | undefined;
let contract: ReturnType<typeof createOpenApiCheck> | undefined;
beforeAll(async () => {
  rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
  contract = createOpenApiCheck(await fetchOpenApiDoc(rt.url));
});
afterAll(async () => rt?.stop());

const call = (method: string, route: string, ask: Ask = {}) =>
  checkedFetch(contract!.check, `${rt!.url}/api/${route}`, method, ask);

describe("Trigger's dry runs against the OpenAPI document", () => {
  it('of a mapping, and of an alert delivery, in all or one partition', async () => {
    expect((await call('GET', 'me')).body['auth']).toBe('local-admin');
    const preview = await call('POST', 'Trigger?id=greet&dry_run=true', { body: { params: { WHO: 'x' } } });
    expect(preview.body['wouldBe']).toBe('queued');
    expect((await call('GET', 'Trigger/ops?id=nightly&dry_run=1')).body['nextScheduled']).toHaveLength(3);
    const alert = await call('POST', 'Trigger?dry_run=1', { body: unclaimedAlert('broken') });
    expect(alert.body['dryRun']).toBe(true);
    expect((await call('POST', 'Trigger/azure?dry_run', { body: unclaimedAlert('x') })).status).toBe(200);
    expect((await call('POST', 'Trigger?dry_run=true')).status).toBe(400);
  });
});
