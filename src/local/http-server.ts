// Local HTTP front: serves the registered HTTP functions on Node's http server, with the library's own request types.
import { HttpRequest, HttpResponse, type HttpResponseInit } from '@azure/functions';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LineWriter } from './console-log';
import { invocationContext, type HttpMount } from './local-host';
import { compileRoute } from './route-template';

// The Functions front end accepts up to 100 MB; locally a smaller cap keeps a stray upload from eating memory.
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type LocalHttpServer = { readonly url: string; close(): Promise<void> };

export async function startHttpServer(opts: {
  mounts: readonly HttpMount[];
  routePrefix: string;
  host: string;
  port: number;
  write: LineWriter;
}): Promise<LocalHttpServer> {
  const routes = opts.mounts.map((m) => ({ mount: m, matcher: compileRoute(opts.routePrefix, m.route) }));
  const server = http.createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      opts.write('error', 'http', `request failed: ${String(err)}`);
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'internal', message: 'Internal error; see the ClouDO log.' } });
      else res.destroy();
    });
  });
  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const found = routes.map((r) => ({ ...r, params: r.matcher.match(url.pathname) })).filter((r) => r.params !== null);
    const method = (req.method ?? 'GET').toUpperCase();
    const hit = found.find((r) => r.mount.methods.includes(method));
    if (!hit || !hit.params) {
      if (found.length === 0)
        return sendJson(res, 404, { error: { code: 'not_found', message: `No function at ${url.pathname}.` } });
      const allow = [...new Set(found.flatMap((r) => r.mount.methods))].join(', ');
      return sendJson(res, 405, { error: { code: 'method_not_allowed', message: `Use ${allow}.` } }, { Allow: allow });
    }
    const body = await readBody(req);
    if (body === null)
      return sendJson(res, 413, {
        error: { code: 'payload_too_large', message: `Body over ${MAX_BODY_BYTES} bytes.` },
      });
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers: flatHeaders(req.headers),
      params: hit.params,
      body: { bytes: body },
    });
    const result = await hit.mount.handler(request, invocationContext(hit.mount.name, opts.write));
    await writeResponse(res, result);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    // Loopback binds are shown as localhost, the name users type.
    url: `http://${['0.0.0.0', '127.0.0.1', '::1', '::'].includes(opts.host) ? 'localhost' : opts.host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function writeResponse(res: http.ServerResponse, result: HttpResponseInit | HttpResponse): Promise<void> {
  // HttpResponse applies the library's own conversions (jsonBody, content type), as the worker does on Azure.
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  res.writeHead(response.status, headers);
  res.end(body);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
