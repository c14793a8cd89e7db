// Signed-in callers for tests: X-MS-CLIENT-PRINCIPAL as App Service sets it, and requests to a runtime made as one.

import { afterAll, beforeAll } from 'vitest';
import { startTestRuntime, type TestRuntime, type TestRuntimeOptions } from './test-runtime';

type Json = Record<string, unknown>;

/** A caller to sign in as: object id, name, app roles, groups, and whether it is an app (a pipeline). */
export type Who = { oid: string; name: string; roles?: string[]; groups?: string[]; app?: boolean };

export function principal(w: Who): string {
  const claims = [
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: w.oid },
    { typ: 'name', val: w.name },
    ...(w.roles ?? []).map((val) => ({ typ: 'roles', val })),
    ...(w.groups ?? []).map((val) => ({ typ: 'groups', val })),
    ...(w.app ? [{ typ: 'idtyp', val: 'app' }] : []),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString(
    'base64',
  );
}

/** A request to `<url>/api/<route>` as `who` (nobody: null), with a JSON (or raw text) body and extra headers. */
export async function requestAs(
  url: string,
  who: Who | null,
  method: string,
  route: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: Json; text: string }> {
  const headers: Record<string, string> = who ? { 'x-ms-client-principal': principal(who) } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, extra);
  const res = await fetch(`${url}/api/${route}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Json) : {}, text };
}

/**
 * A local runtime that trusts X-MS-CLIENT-PRINCIPAL as App Service does, started before the file's tests and
 * stopped after them, and `as`: a request to it as a caller.
 */
export function useSignedInRuntime(opts: Pick<TestRuntimeOptions, 'mappings' | 'runbooks'>) {
  let rt: TestRuntime | undefined;
  beforeAll(async () => {
    rt = await startTestRuntime({ ...opts, env: { CLOUDO_LOCAL_AUTH: 'principal-header' } });
  });
  afterAll(async () => rt?.stop());
  const runtime = (): TestRuntime => {
    if (!rt) throw new Error('the runtime is not started');
    return rt;
  };
  return {
    runtime,
    as: (who: Who | null, method: string, route: string, body?: unknown, extra: Record<string, string> = {}) =>
      requestAs(runtime().url, who, method, route, body, extra),
  };
}
