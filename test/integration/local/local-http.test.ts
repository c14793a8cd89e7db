// The local HTTP front: refuses cross-site and rebound requests, and answers its own errors as the functions do.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentWriter } from '../../../src/local/console-log';
import { startHttpServer, type LocalHttpServer } from '../../../src/local/http-server';
import type { HttpMount } from '../../../src/local/local-host';
import { errorOf, rawRequest } from '../../support/raw-http';
import { mappingDoc, startTestRuntime, type TestRuntime } from '../../support/test-runtime';

const MB = 1024 * 1024;

let rt: TestRuntime;
let port: string;
beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: mappingDoc('p', [{ id: 'hi', name: 'hi', runbook: 'hi.sh' }]),
    runbooks: { 'hi.sh': 'echo hi\n' },
  });
  port = new URL(rt.url).port;
});
afterAll(async () => rt?.stop());

describe('local HTTP front: cross-site requests', () => {
  it('serves plain requests to localhost, 127.0.0.1 and [::1], as curl sends them', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      const reply = await rawRequest(rt.url, '/api/health', { headers: { Host: host } });
      expect(reply.status, host).toBe(200);
    }
  });

  it('refuses a Host that is not a loopback name (DNS rebinding) with 403 JSON', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `localhost:${port}@evil.example`, 'localhost.x']) {
      const reply = await rawRequest(rt.url, '/api/health', { headers: { Host: host } });
      expect(reply.status, host).toBe(403);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(errorOf(reply).code).toBe('forbidden');
    }
  });

  it('refuses requests from other origins and cross-site or same-site fetches', async () => {
    const refused: readonly Record<string, string>[] = [
      { Origin: 'http://evil.example' },
      { Origin: 'http://localhost.evil.example' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of refused) {
      const reply = await rawRequest(rt.url, '/api/Trigger?id=hi', { method: 'POST', headers });
      expect(reply.status, JSON.stringify(headers)).toBe(403);
      expect(errorOf(reply).code).toBe('forbidden');
    }
    // A page served from localhost itself, or the address bar, is still served.
    const own = { Origin: `http://localhost:${port}`, 'Sec-Fetch-Site': 'same-origin' };
    expect((await rawRequest(rt.url, '/api/health', { headers: own })).status).toBe(200);
    expect((await rawRequest(rt.url, '/api/health', { headers: { 'Sec-Fetch-Site': 'none' } })).status).toBe(200);
  });

  it('answers an absolute-form request target with 400, not with a URL on the client-given host', async () => {
    const reply = await rawRequest(rt.url, 'http://evil.example/api/health');
    expect(reply.status).toBe(400);
    expect(errorOf(reply).code).toBe('bad_request');
  });
});

describe('local HTTP front: its own errors', () => {
  it('answers an unknown route with 404 JSON', async () => {
    const reply = await rawRequest(rt.url, '/api/nope');
    expect(reply.status).toBe(404);
    expect(errorOf(reply)).toMatchObject({ code: 'not_found', message: expect.stringContaining('/api/nope') });
  });

  it('answers a wrong method with 405 JSON and an Allow header', async () => {
    const reply = await rawRequest(rt.url, '/api/health', { method: 'DELETE' });
    expect(reply.status).toBe(405);
    expect(reply.headers['allow']).toBe('GET');
    expect(errorOf(reply).code).toBe('method_not_allowed');
  });

  it('delivers 413 JSON for a 12 MB body with Content-Length, and keeps that connection usable', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = Buffer.alloc(12 * MB, 120);
      const reply = await rawRequest(rt.url, '/api/Trigger?id=hi', { method: 'POST', body, agent });
      expect(reply.status).toBe(413);
      expect(errorOf(reply).code).toBe('payload_too_large');
      // The unread body was discarded, not left on the wire: the next request on that connection is served.
      const next = await rawRequest(rt.url, '/api/health', { agent });
      expect(next).toMatchObject({ status: 200, localPort: reply.localPort });
    } finally {
      agent.destroy();
    }
  });

  it('delivers 413 JSON for a chunked 12 MB body, and closes that connection', async () => {
    // A keep-alive client, as curl and browsers are: the server, not the client, decides to close.
    const agent = new http.Agent({ keepAlive: true });
    try {
      const body = Buffer.alloc(12 * MB, 120);
      const reply = await rawRequest(rt.url, '/api/Trigger?id=hi', { method: 'POST', body, chunked: true, agent });
      expect(reply.status).toBe(413);
      expect(reply.headers['connection']).toBe('close');
      expect(errorOf(reply).code).toBe('payload_too_large');
    } finally {
      agent.destroy();
    }
  });
});

describe('local HTTP front bound to a non-loopback address', () => {
  let server: LocalHttpServer;
  const echo: HttpMount = {
    kind: 'http',
    name: 'echo',
    route: 'echo',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: (request) => ({ jsonBody: { url: request.url } }),
  };
  const broken: HttpMount = { ...echo, name: 'broken', route: 'broken', handler: () => Promise.reject(new Error('x')) };
  beforeAll(async () => {
    server = await startHttpServer({
      mounts: [echo, broken],
      routePrefix: 'api',
      host: '0.0.0.0',
      port: 0,
      write: silentWriter,
    });
  });
  afterAll(async () => server?.close());

  it('accepts any Host, but builds the request URL on localhost and still refuses cross-site fetches', async () => {
    const { port: bound } = new URL(server.url);
    const reply = await rawRequest(server.url, '/api/echo?x=1', { headers: { Host: 'evil.example' } });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ url: `http://localhost:${bound}/api/echo?x=1` });
    const crossSite = await rawRequest(server.url, '/api/echo', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
  });

  it('answers a failing function with 500 JSON that keeps the details in the log', async () => {
    const reply = await rawRequest(server.url, '/api/broken');
    expect(reply.status).toBe(500);
    expect(errorOf(reply)).toEqual({ code: 'internal', message: 'Internal error; see the ClouDO log.' });
  });
});
