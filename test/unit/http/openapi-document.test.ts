// The OpenAPI document: valid OpenAPI 3.1, and every HTTP function registered with the host has its route in it.
import { describe, expect, it } from 'vitest';
import { registerFunctions } from '../../../functions/register';
import { loadConfig } from '../../../src/config/load-config';
import { AUDIT_QUERY } from '../../../src/http/api-contract/audit';
import { openApiDocument } from '../../../src/http/api-contract/document';
import { LIST_QUERY } from '../../../src/http/api-contract/executions';
import { createLocalHost } from '../../../src/local/local-host';
import { createOpenApiCheck, type OpenApiDoc } from '../../support/openapi-check';

const doc = openApiDocument('cloudo test');
const notCalled = () => {
  throw new Error('not called');
};

/** The document's paths a host route stands for: `{x?}` both with and without it, `{*x}` as `{x}` (and `/`). */
function documentedPathsOf(route: string): string[] {
  const optional = /\/\{(\w+)\?\}$/.exec(route);
  if (optional) return [`/${route.slice(0, optional.index)}`, `/${route.replace('?}', '}')}`];
  const rest = /\/\{\*(\w+)\}$/.exec(route);
  if (rest) return [`/${route.slice(0, rest.index)}/`, `/${route.replace('{*', '{')}`];
  return [`/${route}`];
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // The validator is an ES module: imported, not required.
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("has every registered HTTP function's route, with each of its methods", () => {
    const host = createLocalHost();
    registerFunctions(host, loadConfig(), notCalled);
    const http = host.mounts.filter((m) => m.kind === 'http');
    expect(http.map((m) => m.name)).toContain('openapi');
    for (const mount of http) {
      for (const path of documentedPathsOf(mount.route)) {
        const item = doc.paths?.[path];
        expect(item, `${mount.name}: ${path}`).toBeDefined();
        for (const method of mount.methods) {
          const hasMethod = Object.hasOwn(item ?? {}, method.toLowerCase());
          // /runs takes no GET: the route is POST only, and the document says so.
          expect(hasMethod, `${mount.name}: ${method} ${path}`).toBe(true);
        }
      }
    }
  });

  it('describes the query of /logs and /audit by the names their handlers take', () => {
    const names = (path: string) =>
      ((doc.paths?.[path]?.get?.parameters ?? []) as { name: string; in: string }[])
        .filter((p) => p.in === 'query')
        .map((p) => p.name);
    expect(names('/logs')).toEqual(Object.keys(LIST_QUERY));
    expect(names('/audit')).toEqual(Object.keys(AUDIT_QUERY));
  });

  it('names an error answer for every operation, and the security each route takes', () => {
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, { responses: object; security: unknown[] }>)) {
        expect(Object.keys(op.responses), `${method} ${path}`).toContain('500');
        expect(op.security, `${method} ${path}`).toBeDefined();
      }
    }
    expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual([
      'functionKey',
      'functionKeyQuery',
      'appServiceSignIn',
    ]);
  });
});

describe('the check of answers against the document', () => {
  const { check } = createOpenApiCheck(doc as unknown as OpenApiDoc);
  const health = { status: 'ok', storage: 'ok', tables: 'ok', queues: 'ok' };
  const answer = (body: unknown, status = 200, path = '/api/health') => ({
    method: 'GET',
    path,
    status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(body),
  });

  it('passes an answer as documented', () => {
    expect(() => check(answer(health))).not.toThrow();
  });

  it('fails a field too many, a field missing, an undocumented status or path', () => {
    expect(() => check(answer({ ...health, extra: 1 }))).toThrow(/must NOT have additional properties/);
    expect(() => check(answer({ status: 'ok' }))).toThrow(/must have required property 'storage'/);
    expect(() => check(answer(health, 418))).toThrow(/status is not in the document/);
    expect(() => check(answer(health, 200, '/api/nowhere'))).toThrow(/path is not in the document/);
  });
});
