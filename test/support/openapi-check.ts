// Checks real answers against the OpenAPI document: the path, method and status must be documented, and the body
// must match that answer's schema (ajv, JSON Schema 2020-12, the document's own components).
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

type Json = Record<string, unknown>;
export type OpenApiDoc = { paths: Record<string, Record<string, { responses: Record<string, Json> }>> } & Json;
export type Seen = {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: string;
  /** The answer's headers: each header the document says is required must be there. */
  headers?: Headers;
};

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export function createOpenApiCheck(doc: OpenApiDoc, prefix = '/api') {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
  }));
  const covered = new Set<string>();

  /** The documented path a request path falls under; literal paths win over templated ones. */
  function templateOf(path: string): string | undefined {
    const rel = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    const matches = templates.filter((t) => t.regex.test(rel)).map((t) => t.template);
    return matches.find((t) => !t.includes('{')) ?? matches[0];
  }

  /** Fails the test unless the answer is documented and its body matches the documented schema. */
  function check(seen: Seen): void {
    const where = `${seen.method} ${seen.path} → ${seen.status}`;
    const template = templateOf(seen.path);
    expect(template, `${where}: the path is not in the document`).toBeDefined();
    const method = seen.method.toLowerCase();
    const operation = doc.paths[template!]?.[method];
    // A method the route does not take: 405, with the error body every error has.
    if (!operation && seen.status === 405) return checkBody(where, 'openapi.json#/components/schemas/Error', seen.body);
    expect(operation, `${where}: the method is not in the document`).toBeDefined();
    const response = operation!.responses[String(seen.status)] as
      { content?: Record<string, Json>; headers?: Record<string, { required?: boolean }> } | undefined;
    expect(response, `${where}: the status is not in the document`).toBeDefined();
    covered.add(`${method} ${template} ${seen.status}`);
    for (const [name, header] of Object.entries(response!.headers ?? {})) {
      if (header.required && seen.headers) expect(seen.headers.has(name), `${where}: no ${name} header`).toBe(true);
    }
    const media = seen.contentType.split(';')[0]!.trim().toLowerCase();
    const content = response!.content;
    if (!content) {
      expect(seen.body, `${where}: documented without a body`).toBe('');
      return;
    }
    const key = media in content ? media : '*/*' in content ? '*/*' : undefined;
    expect(
      key,
      `${where}: ${media || 'no content type'} is not documented (${Object.keys(content).join(', ')})`,
    ).toBeDefined();
    if (key !== 'application/json') return;
    const at = pointer('paths', template!, method, 'responses', String(seen.status), 'content', key, 'schema');
    checkBody(where, `openapi.json#/${at}`, seen.body);
  }

  function checkBody(where: string, ref: string, text: string): void {
    const validate = ajv.getSchema(ref);
    expect(validate, `${where}: no schema at ${ref}`).toBeDefined();
    const ok = validate!(JSON.parse(text) as unknown);
    if (!ok) expect.fail(`${where}: ${ajv.errorsText(validate!.errors)}, in ${text.slice(0, 400)}`);
  }

  return { check, covered, templateOf };
}

export type Ask = { body?: unknown; headers?: Record<string, string> };
export type Answer = { status: number; body: Json; text: string; headers: Headers };

/** A request whose answer is checked against the document before the caller sees it; JSON bodies parsed. */
export async function checkedFetch(
  check: (seen: Seen) => void,
  url: string,
  method: string,
  ask: Ask = {},
): Promise<Answer> {
  const headers: Record<string, string> = ask.body === undefined ? {} : { 'content-type': 'application/json' };
  Object.assign(headers, ask.headers);
  const body = ask.body === undefined ? undefined : typeof ask.body === 'string' ? ask.body : JSON.stringify(ask.body);
  const res = await fetch(url, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  check({ method, path: new URL(url).pathname, status: res.status, contentType, body: text, headers: res.headers });
  const json = contentType.startsWith('application/json') ? (JSON.parse(text) as Json) : {};
  return { status: res.status, body: json, text, headers: res.headers };
}

/** The document a runtime serves. */
export async function fetchOpenApiDoc(baseUrl: string): Promise<OpenApiDoc> {
  const res = await fetch(`${baseUrl}/api/openapi.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDoc;
}
