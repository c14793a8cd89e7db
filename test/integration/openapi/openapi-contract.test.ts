// The API answers what its OpenAPI document says: every route is driven on a signed-in local runtime, errors
// included, and every real status and body is checked against GET /api/openapi.json (ajv, JSON Schema 2020-12).
import { describe, expect, it } from 'vitest';
import { alertFixture } from '../../support/alert-fixtures';
import { checkedFetch, createOpenApiCheck, fetchOpenApiDoc, type Answer, type Ask } from '../../support/openapi-check';
import type { OpenApiDoc } from '../../support/openapi-check';
import { readUntil } from '../../support/poll';
import { principal, useSignedInRuntime, type Who } from '../../support/principals';
import {
  ADMIN,
  APPROVER,
  MAPPINGS,
  NOBODY,
  OPERATOR,
  READER,
  RUNBOOKS,
  unclaimedAlert,
} from '../console-api/console-people';

type Json = Record<string, unknown>;

const signedIn = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
let contract: ReturnType<typeof createOpenApiCheck> | undefined;
let doc: OpenApiDoc | undefined;

/** A request as `who`; its answer is checked against the document before the test sees it. */
function call(who: Who | null, method: string, route: string, ask: Ask = {}): Promise<Answer> {
  const url = route.startsWith('http') ? route : `${signedIn.runtime().url}/api/${route}`;
  const signIn: Record<string, string> = who ? { 'x-ms-client-principal': principal(who) } : {};
  return checkedFetch(contract!.check, url, method, { ...ask, headers: { ...signIn, ...ask.headers } });
}

const fieldOf = (a: Answer) => (a.body['error'] as Json | undefined)?.['field'];
const settled = (execId: string) =>
  readUntil(
    async () => String((await call(READER, 'GET', `logs/${execId}`)).body['status']),
    (s) => !['queued', 'running'].includes(s),
    45_000,
  );

describe('the OpenAPI document against the running API', () => {
  it('is served at /api/openapi.json, to anyone', async () => {
    doc = await fetchOpenApiDoc(signedIn.runtime().url);
    contract = createOpenApiCheck(doc);
    expect((await call(null, 'GET', 'openapi.json')).status).toBe(200);
    expect(fieldOf(await call(null, 'GET', 'openapi.json?colour=red'))).toBe('colour');
  });

  it('health, me, and refusals: 401 without a caller, 403 without a role, 405 for another method', async () => {
    expect((await call(null, 'GET', 'health')).status).toBe(200);
    expect((await call(null, 'DELETE', 'health')).status).toBe(405);
    expect((await call(READER, 'GET', 'me')).body['name']).toBe(READER.name);
    expect((await call(null, 'GET', 'me')).status).toBe(401);
    expect((await call(NOBODY, 'GET', 'mappings')).status).toBe(403);
  });

  it('mappings, one mapping, overview and schedules, with 400s naming the field and a 404', async () => {
    expect((await call(READER, 'GET', 'mappings')).status).toBe(200);
    expect(fieldOf(await call(READER, 'GET', 'mappings?colour=red'))).toBe('colour');
    expect((await call(READER, 'GET', 'mappings/ops/greet')).status).toBe(200);
    expect((await call(READER, 'GET', 'mappings/ops/nope')).status).toBe(404);
    expect(fieldOf(await call(READER, 'GET', 'mappings/ops/Bad%20Id'))).toBe('id');
    expect((await call(READER, 'GET', 'overview')).status).toBe(200);
    expect(fieldOf(await call(READER, 'GET', 'overview?hours=0'))).toBe('hours');
    expect((await call(READER, 'GET', 'schedules')).status).toBe(200);
  });

  it('metrics: Prometheus text for an Admin, 403 for a Reader, 400 naming a parameter', async () => {
    const metrics = await call(ADMIN, 'GET', 'metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('# TYPE');
    expect((await call(READER, 'GET', 'metrics')).status).toBe(403);
    expect(fieldOf(await call(ADMIN, 'GET', 'metrics?colour=red'))).toBe('colour');
  });

  let ran = '';
  it('manual runs through Trigger and runs: 202, dry run, 400 naming params, 404, 409, 415, 422, 403', async () => {
    const greet = await call(null, 'POST', 'Trigger?id=greet', { body: { params: { WHO: 'ada' } } });
    expect(greet.status).toBe(202);
    ran = String(greet.body['execId']);
    expect((await call(null, 'GET', 'Trigger/ops?id=broken')).status).toBe(202);
    expect((await call(null, 'GET', 'Trigger?id=broken')).status).toBe(202);
    expect((await call(null, 'POST', 'Trigger/ops?id=nope')).status).toBe(404);
    expect(fieldOf(await call(null, 'POST', 'Trigger/no%20such?id=broken'))).toBe('partition');
    expect(fieldOf(await call(null, 'POST', 'Trigger?id=greet', { body: { params: { WHO: 1 } } }))).toBe('params.WHO');
    expect(fieldOf(await call(null, 'POST', 'Trigger?id=greet', { body: { extra: 1 } }))).toBe('extra');
    expect((await call(null, 'POST', 'Trigger?id=nope')).status).toBe(404);
    expect((await call(null, 'POST', 'Trigger?id=off')).status).toBe(409);
    expect((await call(null, 'POST', 'Trigger?dry_run=true&id=greet')).status).toBe(403);
    const plain = { body: 'hello', headers: { 'content-type': 'text/plain' } };
    expect((await call(null, 'POST', 'Trigger', plain)).status).toBe(415);
    const key = { headers: { 'Idempotency-Key': `k-${Date.now()}` } };
    expect((await call(null, 'POST', 'Trigger?id=broken', key)).status).toBe(202);
    expect((await call(null, 'POST', 'Trigger?id=capped', key)).status).toBe(422);
    expect(fieldOf(await call(null, 'POST', 'Trigger?id=test', { headers: { 'Idempotency-Key': '' } }))).toBe(
      'Idempotency-Key',
    );
    expect((await call(OPERATOR, 'POST', 'runs?id=capped')).status).toBe(202);
    expect((await call(OPERATOR, 'POST', 'runs/ops?id=capped')).status).toBe(200);
    expect((await call(READER, 'POST', 'runs?id=greet&dry_run=true', { body: { params: { WHO: 'x' } } })).status).toBe(
      200,
    );
    expect((await call(READER, 'POST', 'runs?id=capped')).status).toBe(403);
    expect((await call(null, 'POST', 'runs?id=capped')).status).toBe(401);
    expect(fieldOf(await call(OPERATOR, 'POST', 'runs?id=capped&dry_run=maybe'))).toBe('dry_run');
  });

  it('alerts: one a mapping claims (202), one nobody claims (200), too large a body (413)', async () => {
    expect((await call(null, 'POST', 'Trigger', { body: unclaimedAlert('broken') })).status).toBe(202);
    const unclaimed = await call(null, 'POST', 'Trigger', { body: unclaimedAlert('nobody-claims-this') });
    expect(unclaimed.body['matched']).toBe(0);
    const big = { ...alertFixture('azmon-metric-fired.json'), pad: 'x'.repeat(300 * 1024) };
    expect((await call(null, 'POST', 'Trigger', { body: big })).status).toBe(413);
  });

  it('unmatched alerts and their dry run, with 400 and 404 naming the key', async () => {
    const list = await readUntil(
      async () => (await call(READER, 'GET', 'alerts/unmatched')).body['items'] as Json[],
      (items) => items.length > 0,
      10_000,
    );
    const key = String(list[0]!['key']);
    expect((await call(READER, 'POST', `alerts/unmatched/${key}/dry-run`)).status).toBe(200);
    expect(fieldOf(await call(READER, 'POST', 'alerts/unmatched/nonsense/dry-run'))).toBe('key');
    expect((await call(READER, 'POST', `alerts/unmatched/0000000000000-${'0'.repeat(32)}/dry-run`)).status).toBe(404);
    expect(fieldOf(await call(READER, 'GET', 'alerts/unmatched?limit=0'))).toBe('limit');
  });

  it('executions: the list, one, its text and output (JSON and events), with 400s and a 404', async () => {
    await settled(ran);
    expect((await call(READER, 'GET', 'logs')).status).toBe(200);
    expect((await call(READER, 'GET', 'logs?limit=1')).status).toBe(200);
    expect(fieldOf(await call(READER, 'GET', 'logs?status=nope'))).toBe('status');
    expect(fieldOf(await call(READER, 'GET', 'logs?limit=0x10'))).toBe('limit');
    expect((await call(READER, 'GET', `logs/${ran}`)).status).toBe(200);
    expect((await call(READER, 'GET', `logs/${ran}?format=text`)).text).toContain('hello');
    expect(fieldOf(await call(READER, 'GET', `logs/${ran}?format=xml`))).toBe('format');
    expect((await call(READER, 'GET', 'logs/20260101T000000000Z-00000000')).status).toBe(404);
    expect((await call(READER, 'GET', `logs/${ran}/output?offset=0`)).status).toBe(200);
    const events = await call(READER, 'GET', `logs/${ran}/output`, { headers: { accept: 'text/event-stream' } });
    expect(events.text).toContain('hello');
    expect(fieldOf(await call(READER, 'GET', `logs/${ran}/output?offset=-1`))).toBe('offset');
  });

  it('cancel: a running run (200 or 202), a finished one (409), a bad body (400), a Reader (403)', async () => {
    const slow = String((await call(OPERATOR, 'POST', 'runs?id=one-at-a-time')).body['execId']);
    expect([200, 202]).toContain((await call(OPERATOR, 'POST', `logs/${slow}/cancel`, { body: {} })).status);
    expect((await call(OPERATOR, 'POST', `logs/${ran}/cancel`, { body: { reason: 'late' } })).status).toBe(409);
    expect(fieldOf(await call(OPERATOR, 'POST', `logs/${ran}/cancel`, { body: { why: 1 } }))).toBe('why');
    expect((await call(READER, 'POST', `logs/${ran}/cancel`, { body: {} })).status).toBe(403);
    expect((await call(OPERATOR, 'POST', 'logs/20260101T000000000Z-00000000/cancel')).status).toBe(404);
  });

  it('approvals: the page, an approval (202), a repeat (409), a rejection (200), a forged link (403)', async () => {
    const gated = async () => {
      const res = await call(ADMIN, 'POST', 'runs?id=vm-cpu-high');
      expect(res.status).toBe(202);
      return res.body['links'] as Record<string, string>;
    };
    const first = await gated();
    expect((await call(APPROVER, 'GET', first['approve']!)).status).toBe(200);
    const accept = { accept: 'application/json' };
    expect((await call(APPROVER, 'POST', first['approve']!, { body: {}, headers: accept })).status).toBe(202);
    expect((await call(APPROVER, 'POST', first['approve']!, { body: {}, headers: accept })).status).toBe(409);
    const second = await gated();
    expect((await call(APPROVER, 'POST', second['reject']!, { body: {}, headers: accept })).status).toBe(200);
    const forged = second['approve']!.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect((await call(APPROVER, 'POST', forged, { body: {}, headers: accept })).status).toBe(403);
    const cut = second['approve']!.replace(/sig=[^&]+/, 'sig=AAAA');
    expect(fieldOf(await call(APPROVER, 'POST', cut, { body: {}, headers: accept }))).toBe('sig');
    expect((await call(READER, 'POST', second['approve']!, { body: {}, headers: accept })).status).toBe(403);
  });

  it('audit, with a 400 naming the action', async () => {
    expect((await call(ADMIN, 'GET', 'audit?limit=5')).status).toBe(200);
    expect((await call(READER, 'GET', 'audit')).status).toBe(200);
    expect(fieldOf(await call(ADMIN, 'GET', 'audit?action=nope'))).toBe('action');
  });

  it("the console's files: a redirect to the folder, the page, a missing file", async () => {
    expect((await call(null, 'GET', 'console')).status).toBe(308);
    expect([200, 404]).toContain((await call(null, 'GET', 'console/')).status);
    expect((await call(null, 'GET', 'console/no-such-file.js')).status).toBe(404);
  });

  it('drove every operation the document names', () => {
    const operations = Object.entries(doc!.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    const driven = new Set([...contract!.covered].map((c) => c.split(' ').slice(0, 2).join(' ')));
    expect(operations.filter((op) => !driven.has(op))).toEqual([]);
  });
});
