// Identities: the App Service principal read into a caller, each deployment mode's callers, rights, access lists,
// and an audit trail that fails closed.
import type { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { hasRight, type Caller } from '../../../src/domain/identity/caller';
import { readClientPrincipal } from '../../../src/domain/identity/client-principal';
import { isOnAccessList, mappingAccessSchema } from '../../../src/domain/identity/mapping-access';
import { authorize, resolveCaller, type AuthSettings } from '../../../src/http/caller';
import { authLevelFor, type Guard } from '../../../src/http/guarded-handler';
import { requestRun, type RequestRunDeps } from '../../../src/services/runs/request-run';
import { createFakeAuditLog } from '../../support/fakes/audit-log';
import { createFakeClaimStore } from '../../support/fakes/claim-store';
import { createFakeExecutionStore } from '../../support/fakes/execution-store';
import { createFakeMappingStore } from '../../support/fakes/mapping-store';
import { createFakeRunQueue } from '../../support/fakes/run-queue';
import { sampleMapping } from '../../support/fixtures';
import { storageUnavailable } from '../../../src/domain/shared/errors';

const encode = (p: unknown) => Buffer.from(JSON.stringify(p)).toString('base64');
const claims = (...c: [string, string][]) => c.map(([typ, val]) => ({ typ, val }));
const request = (headers: Record<string, string>) => ({ headers: new Headers(headers) }) as unknown as HttpRequest;

describe('the App Service principal', () => {
  it('reads the object id, the name, the app roles and the groups; unknown roles grant nothing', () => {
    const read = readClientPrincipal(
      encode({
        auth_typ: 'aad',
        name_typ: 'name',
        role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
        claims: claims(
          ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid-1'],
          ['name', 'Ada\nLovelace'],
          ['http://schemas.microsoft.com/ws/2008/06/identity/claims/role', 'ClouDO.Operator'],
          ['roles', 'Something.Else'],
          ['groups', 'g-1'],
        ),
      }),
    );
    expect(read).toEqual({
      ok: true,
      caller: { kind: 'person', id: 'oid-1', name: 'Ada Lovelace', roles: ['ClouDO.Operator'], groups: ['g-1'] },
    });
  });

  it('tells an app (client credentials) from a person, and refuses what is not a principal', () => {
    const app = readClientPrincipal(encode({ auth_typ: 'aad', claims: claims(['oid', 'sp-1'], ['idtyp', 'app']) }));
    expect(app).toMatchObject({ ok: true, caller: { kind: 'system', id: 'sp-1', name: 'sp-1' } });
    expect(readClientPrincipal('%%%')).toEqual({ ok: false, why: 'not base64 JSON' });
    expect(readClientPrincipal(encode({ claims: [] }))).toEqual({ ok: false, why: 'not a client principal' });
    expect(readClientPrincipal(encode({ auth_typ: 'aad', claims: claims(['name', 'x']) }))).toEqual({
      ok: false,
      why: 'no object id claim',
    });
  });
});

describe('callers by deployment mode', () => {
  const keys: AuthSettings = { mode: 'keys', localUser: 'me' };
  const easy: AuthSettings = { mode: 'easy-auth', localUser: 'me' };
  const local: AuthSettings = { mode: 'local-admin', localUser: 'me' };
  const forged = {
    'x-ms-client-principal-name': 'admin',
    'x-ms-client-principal': encode({ auth_typ: 'x', claims: claims(['oid', 'o'], ['roles', 'ClouDO.Admin']) }),
  };

  it('keys: a key holder may do everything, and a principal header is not trusted', () => {
    const caller = resolveCaller(request(forged), keys, 'people');
    expect(caller).toMatchObject({ kind: 'system', id: 'key' });
    expect(hasRight(caller!, 'admin')).toBe(true);
  });

  it('easy-auth: people routes need the principal; keyed routes take key holders, who may run and nothing else', () => {
    expect(resolveCaller(request({}), easy, 'people')).toBeNull();
    expect(() => authorize(request({}), easy, 'people', 'read')).toThrow(/Sign in/);
    const key = authorize(request({}), easy, 'keyed', 'run');
    expect(key).toMatchObject({ kind: 'system', id: 'key', roles: [] });
    expect(() => authorize(request({}), easy, 'keyed', 'read')).toThrow(/needs the ClouDO.Reader role/);
    expect(authorize(request(forged), easy, 'people', 'admin')).toMatchObject({ id: 'o' });
    // Keyed routes are outside sign-in: a principal header there is not believed.
    expect(resolveCaller(request(forged), easy, 'keyed')).toMatchObject({ id: 'key', keyHolder: true, roles: [] });
  });

  it('local-admin: every caller is the local user, named as a tool says, with every right', () => {
    expect(resolveCaller(request({}), local, 'people')).toMatchObject({ id: 'local', name: 'me' });
    expect(resolveCaller(request({ 'x-ms-client-principal-name': 'bob' }), local, 'people')).toMatchObject({
      name: 'bob',
    });
  });

  it('leaves people routes to App Service authentication only when sign-in is on', () => {
    const guard = (auth: AuthSettings, route: 'people' | 'keyed'): Guard => ({
      auth,
      route,
      right: 'read',
      audit: () => ({}) as never,
    });
    expect(authLevelFor(guard(easy, 'people'))).toBe('anonymous');
    expect(authLevelFor(guard(easy, 'keyed'))).toBe('function');
    expect(authLevelFor(guard(keys, 'people'))).toBe('function');
  });
});

describe('mapping access lists', () => {
  const person = (roles: Caller['roles'], groups: string[] = []): Caller => ({
    kind: 'person',
    id: 'p',
    name: 'p',
    roles,
    groups,
  });
  const GROUP = '0f3c6a52-1b9e-4c55-9a57-5d9a3f1b2c3d';

  it('take roles and group object ids, and name a bad entry', () => {
    expect(mappingAccessSchema.safeParse({ run: ['ClouDO.Operator', GROUP] }).success).toBe(true);
    const bad = mappingAccessSchema.safeParse({ run: ['operators'] });
    expect(bad.error?.issues[0]?.path).toEqual(['run', 0]);
    expect(mappingAccessSchema.safeParse({ run: [] }).success).toBe(false);
  });

  it('let through those on the list (groups case-insensitively) and Admins, and leave it to roles without one', () => {
    const access = { run: [GROUP.toUpperCase()], approve: null };
    expect(isOnAccessList(person(['ClouDO.Operator'], [GROUP]), access, 'run')).toBe(true);
    expect(isOnAccessList(person(['ClouDO.Operator']), access, 'run')).toBe(false);
    expect(isOnAccessList(person(['ClouDO.Admin']), access, 'run')).toBe(true);
    expect(isOnAccessList(person(['ClouDO.Reader']), access, 'approve')).toBe(true);
  });
});

describe('an audit trail that fails closed', () => {
  it('records no run, and gives back its budget slot, when the audit record cannot be written', async () => {
    const audit = createFakeAuditLog();
    const executions = createFakeExecutionStore();
    const released: string[] = [];
    const deps: RequestRunDeps = {
      executions,
      queue: createFakeRunQueue(),
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      defaultTimeoutSeconds: 60,
      mappings: createFakeMappingStore([
        sampleMapping({ id: 'm', maxRuns: { count: 5, windowSeconds: 60, per: 'mapping' } }),
      ]),
      alerts: { requestKeys: createFakeClaimStore() },
      audit: { audit, clock: { now: () => new Date('2026-01-01T00:00:00Z') } },
      oncall: {
        admit: {
          budgets: { take: async () => ({ ok: true, release: async () => void released.push('slot') }) },
          slots: {} as never,
          approvalsEnabled: false,
          approvalTtlMinutes: 60,
        },
        channels: () => ({ opsgenie: false, chat: false }),
        deliver: () => {
          throw new Error('nothing to deliver');
        },
        links: { execution: (id: string) => id, approvals: () => null },
        deadlineMs: 1000,
      },
    };
    audit.failNextAppend(storageUnavailable(new Error('down')));
    await expect(requestRun(deps, { id: 'm', trigger: 'manual' })).rejects.toMatchObject({
      code: 'storage_unavailable',
    });
    expect(executions.records()).toEqual([]);
    expect(released).toEqual(['slot']);
    const ok = await requestRun(deps, { id: 'm', trigger: 'manual', requestedBy: 'ada' });
    expect(audit.records()).toMatchObject([
      { action: 'run.requested', execId: ok.execution.execId, outcome: 'queued' },
    ]);
  });
});
