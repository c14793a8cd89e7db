// Query strings on every HTTP route: unknown, repeated and non-decimal parameters are a 400 naming them.
import { localGuard } from '../../support/guards';
import { HttpRequest, InvocationContext, type HttpFunctionOptions, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { defineApprovalsFunction } from '../../../functions/approvals';
import { defineHealthFunction } from '../../../functions/health';
import { defineLogsFunction } from '../../../functions/logs';
import { defineTriggerFunction } from '../../../functions/trigger';
import { defineUnmatchedFunction } from '../../../functions/unmatched';
import type {
  ApprovalServices,
  ExecutionReads,
  HealthServices,
  TriggerServices,
  UnmatchedReads,
} from '../../../src/composition/service-groups';

const EXEC_ID = '20261122T100000000Z-00000001';

// Answers what a well-formed request needs; anything else fails the test loudly.
function answering<T extends object>(stub: Partial<T>): () => T {
  const services = new Proxy(stub as T, {
    get: (target, name) =>
      (target as Record<string | symbol, unknown>)[name] ??
      (() => Promise.reject(new Error(`${String(name)} must not be called`))),
  });
  return () => services;
}

type Route = { fn: HttpFunctionOptions; path: string; params?: Record<string, string>; method?: string };

const routes: Record<string, Route> = {
  trigger: { fn: defineTriggerFunction(answering<TriggerServices>({}), localGuard), path: 'Trigger', method: 'POST' },
  logs: {
    fn: defineLogsFunction(answering<ExecutionReads>({ list: () => Promise.resolve({ items: [] }) }), localGuard),
    path: 'logs',
  },
  execution: {
    fn: defineLogsFunction(answering<ExecutionReads>({ list: () => Promise.resolve({ items: [] }) }), localGuard),
    path: `logs/${EXEC_ID}`,
    params: { execId: EXEC_ID },
  },
  unmatched: {
    fn: defineUnmatchedFunction(answering<UnmatchedReads>({ list: () => Promise.resolve([]) }), localGuard),
    path: 'alerts/unmatched',
  },
  health: {
    fn: defineHealthFunction(
      answering<HealthServices>({ check: () => Promise.resolve({ tables: 'ok', queues: 'ok', problems: [] }) }),
    ),
    path: 'health',
  },
  approvals: {
    fn: defineApprovalsFunction(answering<ApprovalServices>({}), localGuard),
    path: `approvals/${EXEC_ID}/approve`,
    params: { execId: EXEC_ID, action: 'approve' },
  },
};

async function call(route: Route, query: string) {
  const request = new HttpRequest({
    method: route.method ?? 'GET',
    url: `https://cloudo.example.com/api/${route.path}?${query}`,
    headers: { accept: 'application/json' },
    params: route.params ?? {},
  });
  const res = (await route.fn.handler(
    request,
    new InvocationContext({ logHandler: () => undefined }),
  )) as HttpResponseInit;
  const error = (res.jsonBody as { error?: { code: string; field?: string; message: string } } | undefined)?.error;
  return { status: res.status ?? 200, error, text: JSON.stringify(res.jsonBody ?? res.body ?? '') };
}

describe('query parameters', () => {
  it.each([
    ['trigger', 'id=a&id=b', 'id'],
    ['trigger', 'id=a&dry_run=true&dry_run=false', 'dry_run'],
    ['logs', 'status=queued&status=running', 'status'],
    ['logs', 'limit=5&limit=5', 'limit'],
    ['execution', 'format=text&format=json', 'format'],
    ['unmatched', 'limit=5&limit=6', 'limit'],
    ['approvals', 'exp=1&sig=x&sig=y', 'sig'],
  ])('%s: a repeated parameter (%s) is a 400 naming it', async (name, query, field) => {
    const res = await call(routes[name]!, query);
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({ code: 'bad_request', field, message: expect.stringContaining(field) });
  });

  it.each([
    ['trigger', 'id=a&colour=red', 'id, dry_run'],
    ['logs', 'colour=red', 'status, mapping, trigger, rule, since, until, limit, continuation'],
    ['execution', 'colour=red', 'format'],
    ['unmatched', 'colour=red', 'limit'],
    ['health', 'colour=red', 'no parameters'],
    ['approvals', 'exp=1&sig=x&colour=red', 'exp, sig'],
  ])('%s: an unknown parameter is a 400 naming it and the known ones', async (name, query, known) => {
    const res = await call(routes[name]!, `code=secret-key-value&${query}`);
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({ code: 'bad_request', field: 'colour' });
    expect(res.error?.message).toContain('"colour"');
    expect(res.error?.message).toContain(known);
    expect(res.text).not.toContain('secret-key-value');
  });

  it.each(['0x10', '1e2', '+5', ' 5', '5 ', '5.0', '-1', '', '٣'])('limit=%j is a 400 on every route', async (v) => {
    for (const name of ['logs', 'unmatched']) {
      const res = await call(routes[name]!, `limit=${encodeURIComponent(v)}`);
      expect(res.status, `${name} ${v}`).toBe(400);
      expect(res.error).toMatchObject({ code: 'bad_request', field: 'limit' });
    }
  });

  it('takes decimal numbers, and the host key once or more, without echoing it', async () => {
    for (const name of ['logs', 'unmatched']) {
      const res = await call(routes[name]!, 'limit=010&code=k1&code=k2');
      expect(res.status, name).toBe(200);
      expect(res.text).not.toContain('k1');
    }
    expect((await call(routes['health']!, 'code=k1')).status).toBe(200);
  });
});
