// Local HTTP front: serves the registered HTTP functions on Node's http server, with the library's own request types.
import { HttpRequest, HttpResponse, type HttpResponseInit } from '@azure/functions';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReadableStream } from 'node:stream/web';
import { AppError, notFound } from '../domain/shared/errors';
import { toErrorResponse } from '../http/error-response';
import type { Logger } from '../services/shared/ports';
import { createSourceLogger, type LineWriter } from './console-log';
import { createInvocationContext, type HttpMount } from './local-host';
import { readBody } from './request-body';
import { refuseCrossSite, isLoopbackBind } from './request-guard';
import { CONSOLE_PATH } from '../domain/shared/api-paths';
import { compileRoute, type RouteMatcher } from './route-template';
import { PortInUseError } from './start-error';

// The Functions front end accepts up to 100 MB; locally a smaller cap keeps a stray upload from eating memory.
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const LISTEN_BACKLOG = 4096;

export type HttpServerOptions = {
  readonly mounts: readonly HttpMount[];
  readonly routePrefix: string;
  /** Address to listen on; a non-loopback one turns the Host check off, as clients then use other names. */
  readonly host: string;
  readonly port: number;
  readonly write: LineWriter;
};

export type LocalHttpServer = { readonly url: string; close(): Promise<void> };

const portInUse = (opts: HttpServerOptions): PortInUseError =>
  new PortInUseError(
    `Port ${opts.host}:${opts.port} is already in use: stop what holds it, or set PORT to another port (0 picks a free one).`,
  );

type Route = { readonly mount: HttpMount; readonly matcher: RouteMatcher };
type HttpResult = HttpResponseInit | HttpResponse;

type Front = {
  readonly routes: readonly Route[];
  readonly write: LineWriter;
  readonly log: Logger;
  readonly checkHost: boolean;
  /** The bound port once listening; request URLs are built on it, never on the client's Host header. */
  port: number;
};

export async function startHttpServer(opts: HttpServerOptions): Promise<LocalHttpServer> {
  const front: Front = {
    routes: opts.mounts.map((m) => ({ mount: m, matcher: compileRoute(opts.routePrefix, m.route) })),
    write: opts.write,
    log: createSourceLogger(opts.write, 'http'),
    checkHost: isLoopbackBind(opts.host),
    port: opts.port,
  };
  const server = http.createServer((req, res) => void respond(front, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? portInUse(opts) : err));
    // Node's default backlog (511) drops the SYNs of a larger burst, and clients then wait 1, 3, 7 s to retry: a
    // burst of alerts must reach the load shedding instead (the kernel caps this at net.core.somaxconn).
    server.listen({ port: opts.port, host: opts.host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  front.port = (server.address() as AddressInfo).port;
  return {
    // Loopback binds are shown as localhost, the name users type.
    url: `http://${['0.0.0.0', '127.0.0.1', '::1', '::'].includes(opts.host) ? 'localhost' : opts.host}:${front.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Every answer, the functions' own and the front's errors alike, leaves through writeResponse.
async function respond(front: Front, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  try {
    await writeResponse(res, await serve(front, req));
  } catch (err) {
    if (res.headersSent) {
      front.log.error(`response failed after it started: ${String(err)}`);
      res.destroy();
      return;
    }
    await writeResponse(res, toErrorResponse(err, front.log)).catch(() => res.destroy());
  }
}

async function serve(front: Front, req: http.IncomingMessage): Promise<HttpResult> {
  const refusal = refuseCrossSite(req.headers, front.checkHost);
  if (refusal) throw refusal;
  const url = requestUrl(req.url, front.port);
  const method = (req.method ?? 'GET').toUpperCase();
  // A browser pointed at the runtime lands on the console.
  if (url.pathname === '/' && method === 'GET') return { status: 302, headers: { Location: CONSOLE_PATH } };
  const found = front.routes
    .map((r) => ({ ...r, params: r.matcher.match(url.pathname) }))
    .filter((r): r is Route & { params: Record<string, string> } => r.params !== null);
  const hit = found.find((r) => r.mount.methods.includes(method));
  if (!hit) {
    if (found.length === 0) throw notFound(`No function at ${url.pathname}.`);
    const allow = [...new Set(found.flatMap((r) => r.mount.methods))].join(', ');
    return withHeaders(toErrorResponse(new AppError('method_not_allowed', `Use ${allow}.`), front.log), {
      Allow: allow,
    });
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if ('tooLarge' in body) {
    const tooLarge = new AppError('payload_too_large', `Body over ${MAX_BODY_BYTES} bytes.`);
    return withHeaders(toErrorResponse(tooLarge, front.log), body.closeConnection ? { Connection: 'close' } : {});
  }
  const request = new HttpRequest({
    method,
    url: url.toString(),
    headers: flatHeaders(req.headers),
    params: hit.params,
    body: { bytes: body.bytes },
  });
  return await hit.mount.handler(request, createInvocationContext(hit.mount.name, front.write));
}

function requestUrl(target: string | undefined, port: number): URL {
  // Paths only: an absolute-form target ("http://evil.example/...") or "*" would let the client pick the host.
  if (target === undefined || !target.startsWith('/')) {
    throw new AppError('bad_request', 'The request target must be a path.');
  }
  return new URL(`http://localhost:${port}${target}`);
}

function withHeaders(init: HttpResponseInit, extra: Readonly<Record<string, string>>): HttpResponseInit {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return { ...init, headers };
}

async function writeResponse(res: http.ServerResponse, result: HttpResult): Promise<void> {
  // HttpResponse applies the library's own conversions (jsonBody, content type), as the worker does on Azure.
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  if (!(result instanceof HttpResponse) && result.body instanceof ReadableStream && response.body) {
    // A stream (server-sent events) goes out as it is produced, as the host does with HTTP streams enabled.
    res.writeHead(response.status, headers);
    res.flushHeaders();
    return pipeStream(res, response.body);
  }
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, headers);
  res.end(body);
}

async function pipeStream(res: http.ServerResponse, body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  // A client that goes away cancels the stream, which stops whatever feeds it.
  res.once('close', () => void reader.cancel().catch(() => undefined));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      res.write(value);
    }
  } finally {
    res.end();
  }
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
