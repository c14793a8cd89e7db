// Attacks on sign-in, roles and audit: the promises of docs/access.md, end to end on the local runtime
// trusting X-MS-CLIENT-PRINCIPAL as App Service does (real Azurite, real runbooks). Each test states the promise.
import { principal, useSignedInRuntime, type Who } from '../../support/principals';
import { describe, expect, it } from 'vitest';
import { readUntil } from '../../support/poll';
import { mappingDoc } from '../../support/test-runtime';

type Json = Record<string, unknown>;
const GROUP = '0f3c6a52-1b9e-4c55-9a57-5d9a3f1b2c3d';

const RUNBOOKS = { 'hello.sh': '#!/usr/bin/env bash\necho hello\n' };
const MAPPINGS = mappingDoc('rev', [
  { id: 'open', name: 'open', runbook: 'hello.sh' },
  { id: 'restricted', name: 'restricted', runbook: 'hello.sh', access: { run: [GROUP] } },
  {
    id: 'admin-approves',
    name: 'admin-approves',
    runbook: 'hello.sh',
    require_approval: true,
    access: { approve: ['ClouDO.Admin'] },
  },
  { id: 'gated', name: 'gated', runbook: 'hello.sh', require_approval: true, four_eyes: true },
  {
    id: 'wide',
    name: 'wide',
    runbook: 'hello.sh',
    params: {
      A: { type: 'string' },
      B: { type: 'string' },
      C: { type: 'string' },
      D: { type: 'string' },
      TOKEN: { type: 'string', secret: true },
    },
  },
]);

const OPERATOR: Who = { oid: 'oid-operator', name: 'otto', roles: ['ClouDO.Operator'] };
const APPROVER: Who = { oid: 'oid-approver', name: 'april', roles: ['ClouDO.Approver'] };
const ADMIN: Who = { oid: 'oid-admin', name: 'ada', roles: ['ClouDO.Admin'] };
// A pipeline signed in as its service principal: "holds a role like a person" (docs/access.md).
const PIPELINE_OPERATOR: Who = { oid: 'oid-pipeline', name: 'ci-pipeline', roles: ['ClouDO.Operator'], app: true };
const PIPELINE_APPROVER: Who = { oid: 'oid-bot', name: 'approve-bot', roles: ['ClouDO.Approver'], app: true };

const signedIn = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
const { as } = signedIn;

const linkOf = (asked: { body: Json }, action: 'approve' | 'reject') =>
  String((asked.body['links'] as Json)[action]).replace(/^https?:\/\/[^/]+\/api\//, '');

describe('per-mapping access lists hold for signed-in service principals too', () => {
  it("holds a service principal with ClouDO.Operator to a mapping's run list", async () => {
    // Control: a person with the same role is refused.
    expect((await as(OPERATOR, 'POST', 'runs?id=restricted')).status).toBe(403);
    const res = await as(PIPELINE_OPERATOR, 'POST', 'runs?id=restricted');
    expect(res.status, JSON.stringify(res.body)).toBe(403);
  });

  it("holds a service principal with ClouDO.Approver to a mapping's approve list", async () => {
    const asked = await as(ADMIN, 'POST', 'runs?id=admin-approves');
    expect(asked.status).toBe(202);
    // Control: a person with the Approver role is off the list (it names only ClouDO.Admin).
    expect((await as(APPROVER, 'POST', linkOf(asked, 'approve'), {})).status).toBe(403);
    const res = await as(PIPELINE_APPROVER, 'POST', linkOf(asked, 'approve'), {});
    expect(res.status, JSON.stringify(res.body)).toBe(403);
  });
});

describe('approval decisions cannot be forged cross-site', () => {
  // A browser without Sec-Fetch-Site still sends Origin (approval-request.ts says so); here a page on another origin.
  // (The local front refuses foreign host names itself, so the page is on another port of localhost: another
  // origin all the same, and in Azure nothing in front of the app would refuse it.)
  const crossSite = { origin: 'http://localhost:1', 'content-type': 'application/x-www-form-urlencoded' };

  it('refuses a cross-site form post (control)', async () => {
    const asked = await as(OPERATOR, 'POST', 'runs?id=gated');
    expect(asked.status).toBe(202);
    const res = await as(APPROVER, 'POST', linkOf(asked, 'approve'), 'x=1', { ...crossSite, accept: 'text/html' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('cross-site form posts are refused');
  });

  it('refuses a cross-site form post that merely asks for a JSON answer (Accept is a CORS-safelisted header)', async () => {
    const asked = await as(OPERATOR, 'POST', 'runs?id=gated');
    expect(asked.status).toBe(202);
    // What fetch(link, {method: 'POST', mode: 'no-cors', credentials: 'include', headers: {Accept:
    // 'application/json'}, body: new URLSearchParams('x=1')}) on another site sends: no preflight, and the approver's
    // App Service session cookie (here: the principal it stands for).
    const res = await as(APPROVER, 'POST', linkOf(asked, 'approve'), 'x=1', {
      ...crossSite,
      accept: 'application/json',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    const run = await as(ADMIN, 'GET', `logs/${String(asked.body['execId'])}`);
    expect(run.body['status']).toBe('pending_approval');
  });

  it('refuses a cross-site text/plain post whose content type merely mentions json (still a simple request)', async () => {
    const asked = await as(OPERATOR, 'POST', 'runs?id=gated');
    expect(asked.status).toBe(202);
    const res = await as(APPROVER, 'POST', linkOf(asked, 'reject'), '{}', {
      ...crossSite,
      'content-type': 'text/plain; charset=json',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
  });
});

describe('every 401 and 403 is an access.denied audit record', () => {
  it("records the refusal of a person off a mapping's run list", async () => {
    const who: Who = { oid: 'oid-denied-runner', name: 'dora', roles: ['ClouDO.Operator'] };
    const res = await as(who, 'POST', 'runs?id=restricted');
    expect(res.status).toBe(403);
    const items = (await as(ADMIN, 'GET', `audit?actor=${who.oid}&limit=200`)).body['items'] as Json[];
    expect(items.map((r) => r['action'])).toContain('access.denied');
  });

  it("records the refusal of an approver off a mapping's approve list", async () => {
    const asked = await as(ADMIN, 'POST', 'runs?id=admin-approves');
    const who: Who = { oid: 'oid-denied-approver', name: 'abe', roles: ['ClouDO.Approver'] };
    expect((await as(who, 'POST', linkOf(asked, 'approve'), {})).status).toBe(403);
    const items = (await as(ADMIN, 'GET', `audit?actor=${who.oid}&limit=200`)).body['items'] as Json[];
    expect(items.map((r) => r['action'])).toContain('access.denied');
  });
});

describe('a valid run request is never a 5xx because of its audit record', () => {
  it('records a run whose parameters the execution record holds: the audit record must hold them too', async () => {
    // 4 x 4,000 = 16,000 characters: within MAX_PARAM_CHARS (4,096) each and MAX_PARAMS_TOTAL (16,000) in all.
    // Control characters are allowed (only NUL is not); JSON escapes each as \u00XX. The run's own `params`
    // property is ~32,640 characters (under the 32K-character property limit); the audit record's single
    // `record` property adds its other fields to the same parameters and no longer fits.
    const v = '\u0001'.repeat(830) + 'a'.repeat(3170);
    const res = await as(OPERATOR, 'POST', 'runs?id=wide', { params: { A: v, B: v, C: v, D: v } });
    const why = signedIn
      .runtime()
      .logs.filter((l) => /^error/.test(l))
      .join('\n')
      .slice(-600);
    expect(res.status, `${res.text.slice(0, 200)}\n${why}`).toBe(202);
  });
});

describe('the audit listing', () => {
  it('never puts secret parameters, tokens or the principal into a record', async () => {
    const res = await as(OPERATOR, 'POST', 'runs?id=wide', { params: { A: 'plain', TOKEN: 's3cr3t-value' } });
    expect(res.status).toBe(202);
    const items = (await as(ADMIN, 'GET', `audit?mapping=rev/wide&action=run.requested`)).body['items'] as Json[];
    const text = JSON.stringify(items);
    expect(text).toContain('plain');
    expect(text).not.toContain('s3cr3t-value');
    expect(text).not.toContain(principal(OPERATOR));
  });

  it('answers injection attempts and odd filters with a clean 200 or 4xx naming the field', async () => {
    const quotes = [
      `audit?actor=${encodeURIComponent("x' or actorId ne 'x")}`,
      `audit?mapping=${encodeURIComponent("a'/b' or 'a' eq 'a")}`,
      `audit?actor=${encodeURIComponent("oid-operator' or '1' eq '1")}&action=run.requested`,
    ];
    for (const q of quotes) {
      const res = await as(ADMIN, 'GET', q);
      expect(res.status, q).toBe(200);
      expect(res.body['items'], q).toEqual([]);
    }
    const bad: [string, string][] = [
      ['audit?since=yesterday', 'since'],
      ['audit?limit=0', 'limit'],
      ['audit?limit=201', 'limit'],
      ['audit?continuation=nope', 'continuation'],
      ['audit?mapping=nope', 'mapping'],
      ['audit?actor=a&actor=b', 'actor'],
      ['audit?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z', 'since'],
      ['audit?who=me', 'who'],
    ];
    for (const [q, field] of bad) {
      const res = await as(ADMIN, 'GET', q);
      expect(res.status, q).toBe(400);
      expect(res.body, q).toMatchObject({ error: { field } });
    }
  });

  it('keeps a non-admin to their own records whatever actor, mapping, action or continuation they pass', async () => {
    await as(ADMIN, 'POST', 'runs?id=open');
    await as(OPERATOR, 'POST', 'runs?id=open');
    const queries = [
      'audit?actor=oid-admin',
      'audit?mapping=rev/open',
      'audit?action=run.requested&mapping=rev/open',
      'audit?actor=oid-admin&mapping=rev/open&action=run.requested',
      'audit?continuation=20260101T000000000Z-00000000',
    ];
    for (const q of queries) {
      const res = await as(OPERATOR, 'GET', q);
      expect(res.status, q).toBe(200);
      const items = res.body['items'] as Json[];
      expect(
        items.every((r) => (r['actor'] as Json)['id'] === 'oid-operator'),
        q,
      ).toBe(true);
    }
  });

  it('pages combined filters without duplicates or gaps', async () => {
    const who: Who = { oid: 'oid-pager', name: 'paige', roles: ['ClouDO.Operator'] };
    for (let i = 0; i < 7; i++) {
      expect((await as(who, 'POST', 'runs?id=open')).status).toBe(202);
      expect((await as(who, 'GET', 'schedules')).status).toBe(200);
      // A denial between the runs: same actor, another action.
      expect((await as(who, 'POST', 'runs?id=restricted')).status).toBe(403);
    }
    const everything = await readUntil(
      async () => (await as(ADMIN, 'GET', `audit?actor=${who.oid}&action=run.requested&limit=200`)).body,
      (b) => (b['items'] as Json[]).length >= 7,
    );
    const all = (everything['items'] as Json[]).map((r) => r['id']);
    expect(all).toHaveLength(7);
    for (const base of [
      `audit?actor=${who.oid}&action=run.requested&limit=2`,
      `audit?mapping=rev/open&actor=${who.oid}&action=run.requested&limit=2`,
    ]) {
      const seen: unknown[] = [];
      let next: string | null = base;
      for (let n = 0; next && n < 20; n++) {
        const page = await as(ADMIN, 'GET', next.replace(/^\/?api\//, ''));
        expect(page.status, next).toBe(200);
        seen.push(...(page.body['items'] as Json[]).map((r) => r['id']));
        next = ((page.body['links'] as Json)['next'] as string | null) ?? null;
      }
      expect(seen, base).toEqual(all);
    }
  });
});

// What held under attack (these pass): kept as regression checks.
describe('no escalation through the principal or the routes', () => {
  const raw = (obj: unknown) => Buffer.from(JSON.stringify(obj)).toString('base64');
  const oid = { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: 'oid-mallory' };

  it('grants nothing for role names in other cases, other claim types, or malformed principals', async () => {
    const forged = [
      raw({ auth_typ: 'aad', role_typ: 'roles', claims: [oid, { typ: 'roles', val: 'cloudo.admin' }] }),
      raw({ auth_typ: 'aad', role_typ: 'roles', claims: [oid, { typ: 'roles', val: ' ClouDO.Admin' }] }),
      raw({
        auth_typ: 'aad',
        role_typ: 'roles',
        claims: [oid, { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'ClouDO.Admin' }],
      }),
      raw({ auth_typ: 'aad', claims: [oid, { typ: 'groups', val: 'ClouDO.Admin' }] }),
    ];
    for (const p of forged) {
      const res = await fetch(`${signedIn.runtime().url}/api/runs?id=open`, {
        method: 'POST',
        headers: { 'x-ms-client-principal': p },
      });
      expect(res.status).toBe(403);
    }
    const malformed = [
      raw(null),
      raw({ auth_typ: 'aad', claims: {} }),
      raw({
        auth_typ: 'aad',
        claims: [
          { typ: 'oid', val: '' },
          { typ: 'roles', val: 'ClouDO.Admin' },
        ],
      }),
      raw({ auth_typ: 'aad', claims: [{ typ: 'oid', val: 1 }] }),
      '%%%',
    ];
    for (const p of malformed) {
      const res = await fetch(`${signedIn.runtime().url}/api/logs`, { headers: { 'x-ms-client-principal': p } });
      expect(res.status, p).toBe(401);
      expect(await res.json()).toMatchObject({ error: { field: 'x-ms-client-principal' } });
    }
    // A name alone is no identity; a huge principal is refused before anything reads it.
    expect(
      (await fetch(`${signedIn.runtime().url}/api/logs`, { headers: { 'x-ms-client-principal-name': 'ada' } })).status,
    ).toBe(401);
    const huge = await fetch(`${signedIn.runtime().url}/api/logs`, {
      headers: { 'x-ms-client-principal': 'A'.repeat(40_000) },
    });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
  });

  it('holds the run list on every door people use: partition routes, idempotency replays', async () => {
    expect((await as(OPERATOR, 'POST', 'runs/rev?id=restricted')).status).toBe(403);
    const key = { 'idempotency-key': 'review-replay-1' };
    expect((await as(ADMIN, 'POST', 'runs?id=restricted', undefined, key)).status).toBe(202);
    expect((await as(OPERATOR, 'POST', 'runs?id=restricted', undefined, key)).status).toBe(403);
    // Two dry_run values, or one in another case, never turn a Reader's request into a run.
    const reader: Who = { oid: 'oid-r', name: 'rita', roles: ['ClouDO.Reader'] };
    expect((await as(reader, 'POST', 'runs?id=open&dry_run=true&dry_run=false')).status).toBe(400);
    expect((await as(reader, 'POST', 'runs?id=open&dry_run=TRUE')).status).toBe(403);
    expect((await as(reader, 'POST', 'runs?id=open&dry_run=')).status).toBe(200);
  });
});

describe('a principal header on a keyed route', () => {
  it('is not believed: Trigger is outside sign-in, so its caller is the key holder, whoever the header names', async () => {
    const res = await as(ADMIN, 'POST', 'Trigger?id=open');
    expect(res.status).toBe(202);
    const done = await readUntil(
      async () => (await as(ADMIN, 'GET', `logs/${String(res.body['execId'])}`)).body,
      (e) => e['status'] === 'succeeded',
    );
    expect(done['requester']).toMatchObject({ id: 'key', kind: 'system' });
    // And a key holder only runs: a dry run (a read) is refused, whatever role the header claims.
    expect((await as(ADMIN, 'POST', 'Trigger?id=open&dry_run=true')).status).toBe(403);
  });
});
