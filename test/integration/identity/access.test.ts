// Who may do what, end to end on the local runtime trusting X-MS-CLIENT-PRINCIPAL as App Service does: every route
// with no identity and with each role, per-mapping access lists, four eyes by object id, and the audit trail.
import { useSignedInRuntime, type Who } from '../../support/principals';
import { describe, expect, it } from 'vitest';
import { readUntil } from '../../support/poll';
import { FINAL_STATUSES } from '../../../src/domain/runs/execution-status';
import { mappingDoc } from '../../support/test-runtime';

type Json = Record<string, unknown>;
const GROUP = '0f3c6a52-1b9e-4c55-9a57-5d9a3f1b2c3d';

const RUNBOOKS = { 'hello.sh': '#!/usr/bin/env bash\necho hello\n', 'slow.sh': '#!/usr/bin/env bash\nsleep 30\n' };
const MAPPINGS = mappingDoc('acl', [
  { id: 'open', name: 'open', runbook: 'hello.sh' },
  { id: 'slow', name: 'slow', runbook: 'slow.sh' },
  { id: 'restricted', name: 'restricted', runbook: 'hello.sh', access: { run: [GROUP] } },
  {
    id: 'gated',
    name: 'gated',
    runbook: 'hello.sh',
    require_approval: true,
    four_eyes: true,
    access: { approve: ['ClouDO.Approver'] },
  },
]);

const READER: Who = { oid: 'oid-reader', name: 'rita', roles: ['ClouDO.Reader'] };
const OPERATOR: Who = { oid: 'oid-operator', name: 'otto', roles: ['ClouDO.Operator'] };
const APPROVER: Who = { oid: 'oid-approver', name: 'april', roles: ['ClouDO.Approver'] };
const ADMIN: Who = { oid: 'oid-admin', name: 'ada', roles: ['ClouDO.Admin'] };
const IN_GROUP: Who = { oid: 'oid-grouped', name: 'gus', roles: ['ClouDO.Operator'], groups: [GROUP] };

const signedIn = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
const { as } = signedIn;

// Reading a run needs a reader here, like every people route.
const waitForTerminal = (execId: string): Promise<Json> =>
  readUntil(
    async () => (await as(READER, 'GET', `logs/${execId}`)).body,
    (e) => (FINAL_STATUSES as readonly unknown[]).includes(e['status']),
    45_000,
  );

describe('who may do what', () => {
  it('says at start-up that it trusts the principal header', () => {
    expect(signedIn.runtime().logs.some((l) => l.includes('X-MS-CLIENT-PRINCIPAL is trusted'))).toBe(true);
  });

  it('answers every people route 401 without an identity and 403 naming the role without the right', async () => {
    const run = await as(ADMIN, 'POST', 'runs?id=open');
    expect(run.status).toBe(202);
    const execId = String(run.body['execId']);
    const routes: [string, string, 'read' | 'run' | 'cancel'][] = [
      ['GET', 'logs', 'read'],
      ['GET', `logs/${execId}`, 'read'],
      ['GET', `logs/${execId}/output`, 'read'],
      ['GET', 'schedules', 'read'],
      ['GET', 'alerts/unmatched', 'read'],
      ['GET', 'audit', 'read'],
      ['POST', 'runs?id=open&dry_run=true', 'read'],
      ['POST', 'runs?id=open', 'run'],
      ['POST', 'logs/20260101T000000000Z-00000000/cancel', 'cancel'],
    ];
    const allowed: Record<string, readonly string[]> = {
      read: ['rita', 'otto', 'april', 'ada'],
      run: ['otto', 'ada'],
      cancel: ['otto', 'ada'],
    };
    for (const [method, route, right] of routes) {
      const none = await as(null, method, route);
      expect(none.status, `${method} ${route} without identity`).toBe(401);
      expect(none.body).toMatchObject({ error: { code: 'unauthorized', field: 'x-ms-client-principal' } });
      for (const who of [READER, OPERATOR, APPROVER, ADMIN]) {
        const res = await as(who, method, route);
        if (allowed[right]!.includes(who.name)) {
          expect([200, 202, 404], `${method} ${route} as ${who.name}`).toContain(res.status);
        } else {
          expect(res.status, `${method} ${route} as ${who.name}`).toBe(403);
          const role = right === 'read' ? 'ClouDO.Reader' : 'ClouDO.Operator';
          expect(res.body).toMatchObject({ error: { code: 'forbidden', missingRole: role } });
        }
      }
    }
  });

  it('refuses an unusable principal with 401 naming the header', async () => {
    const res = await fetch(`${signedIn.runtime().url}/api/logs`, {
      headers: { 'x-ms-client-principal': 'not base64 json' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { field: 'x-ms-client-principal' } });
  });

  it('lets key holders post to Trigger without a sign-in, and records them as the system caller', async () => {
    const res = await as(null, 'POST', 'Trigger?id=open');
    expect(res.status).toBe(202);
    const done = await waitForTerminal(String(res.body['execId']));
    expect(done['requester']).toMatchObject({ id: 'key', kind: 'system' });
  });

  it('records who ran it, by object id, and what exactly ran', async () => {
    const res = await as(OPERATOR, 'POST', 'runs?id=open');
    const done = await waitForTerminal(String(res.body['execId']));
    expect(done).toMatchObject({
      status: 'succeeded',
      requestedBy: 'otto',
      requester: { id: 'oid-operator', name: 'otto', kind: 'person' },
      runbookSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      appVersion: expect.stringMatching(/^cloudo /),
    });
  });

  it("holds people to a mapping's run list (roles or groups); Admins are always on it", async () => {
    expect((await as(OPERATOR, 'POST', 'runs?id=restricted')).status).toBe(403);
    expect((await as(IN_GROUP, 'POST', 'runs?id=restricted')).status).toBe(202);
    expect((await as(ADMIN, 'POST', 'runs?id=restricted')).status).toBe(202);
  });

  it("holds people to a mapping's run list to cancel its runs too, and audits the refusal", async () => {
    const run = await as(IN_GROUP, 'POST', 'runs?id=restricted');
    const execId = String(run.body['execId']);
    const refused = await as(OPERATOR, 'POST', `logs/${execId}/cancel`, { reason: 'not mine' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'forbidden', field: 'execId', missingRole: GROUP } });
    // The run was not touched: it ends as it would have.
    expect(await waitForTerminal(execId)).toMatchObject({ status: 'succeeded' });
    const denied = await readUntil(
      async () => (await as(ADMIN, 'GET', 'audit?action=access.denied&limit=200')).body['items'] as Json[],
      (items) => items.some((r) => (r['actor'] as Json)['id'] === 'oid-operator' && JSON.stringify(r).includes(execId)),
    );
    expect(denied.length).toBeGreaterThan(0);
    // On the list (and Admins, always), a cancel of a finished run is answered, not refused.
    expect((await as(IN_GROUP, 'POST', `logs/${execId}/cancel`)).status).not.toBe(403);
    expect((await as(ADMIN, 'POST', `logs/${execId}/cancel`)).status).not.toBe(403);
  });

  it('decides approvals by the verified identity: four eyes by object id, and the approve list', async () => {
    const asked = await as({ ...APPROVER, roles: ['ClouDO.Approver', 'ClouDO.Operator'] }, 'POST', 'runs?id=gated');
    expect(asked.status).toBe(202);
    const approve = String((asked.body['links'] as Json)['approve']).replace(/^https?:\/\/[^/]+\/api\//, '');
    const decide = (who: Who | null) => as(who, 'POST', approve, {});
    expect((await decide(null)).status).toBe(401);
    expect((await decide(READER)).status).toBe(403);
    // The same object id under another name is the same person.
    expect((await decide({ ...APPROVER, name: 'someone else' })).status).toBe(403);
    // An Operator may not approve; an Admin may, whatever the list.
    expect((await decide(OPERATOR)).status).toBe(403);
    const ok = await decide(ADMIN);
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ decidedBy: 'ada' });
  });

  it('cancels as the signed-in operator', async () => {
    const started = await as(OPERATOR, 'POST', 'runs?id=slow');
    const execId = String(started.body['execId']);
    await readUntil(
      async () => (await as(READER, 'GET', `logs/${execId}`)).body,
      (e) => e['status'] === 'running',
    );
    const res = await as(OPERATOR, 'POST', `logs/${execId}/cancel`, { reason: 'wrong host' });
    expect(res.status).toBe(202);
    const done = await waitForTerminal(execId);
    expect(done).toMatchObject({ status: 'cancelled', error: 'cancelled by otto: wrong host' });
  });

  it('keeps an audit trail: Admins read all of it, anyone else their own; refusals are in it', async () => {
    const all = await readUntil(
      async () => (await as(ADMIN, 'GET', 'audit?limit=200')).body['items'] as Json[],
      (items) => items.some((r) => r['action'] === 'run.cancelled'),
    );
    const actions = new Set(all.map((r) => r['action']));
    for (const a of ['mappings.applied', 'run.requested', 'run.approved', 'run.cancelled', 'access.denied'])
      expect(actions).toContain(a);
    const requested = all.find(
      (r) => r['action'] === 'run.requested' && (r['actor'] as Json)['id'] === 'oid-operator',
    )!;
    expect(requested).toMatchObject({
      detail: { runbook: expect.any(String), runbookSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect((requested['detail'] as Json)['appVersion']).toMatch(/^cloudo /);
    const cancelled = all.find((r) => r['action'] === 'run.cancelled')!;
    expect(cancelled).toMatchObject({
      actor: { id: 'oid-operator', name: 'otto', kind: 'person' },
      mapping: 'acl/slow',
      detail: { reason: 'wrong host' },
    });
    const denied = all.find((r) => r['action'] === 'access.denied' && (r['actor'] as Json)['id'] === 'oid-reader');
    expect(denied).toMatchObject({ outcome: 'forbidden' });
    const own = (await as(READER, 'GET', 'audit?limit=200')).body['items'] as Json[];
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => (r['actor'] as Json)['id'] === 'oid-reader')).toBe(true);
    const filtered = (await as(ADMIN, 'GET', 'audit?action=run.approved&mapping=acl/gated')).body['items'] as Json[];
    expect(filtered.map((r) => (r['actor'] as Json)['name'])).toEqual(['ada']);
    expect((await as(ADMIN, 'GET', 'audit?action=nope')).body).toMatchObject({ error: { field: 'action' } });
  });
});
