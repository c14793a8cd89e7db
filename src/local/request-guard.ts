// Cross-site defences of the local HTTP front: a web page the developer visits must not reach the local runbooks.
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../domain/shared/errors';

const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);
// A name and an optional port, nothing else: a Host header that needs parsing is refused rather than guessed at.
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

/** True for bind addresses only this machine can reach; those keep the Host check on. */
export function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Why a request must be refused as sent by a browser on behalf of another site, or null to serve it. */
export function refuseCrossSite(headers: IncomingHttpHeaders, checkHost: boolean): AppError | null {
  // DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 still sends its own Host.
  if (checkHost && !LOOPBACK_HOST.test(headers.host ?? '')) {
    return forbidden('Host must be localhost, 127.0.0.1 or [::1]; the local runtime serves no other name.');
  }
  // Browsers label requests with who started them; curl and scripts send neither this nor Origin.
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return forbidden(`Cross-site requests are refused (${site}).`);
  const origin = headers.origin;
  if (origin !== undefined && !LOOPBACK_NAMES.has(originHostname(origin))) {
    return forbidden('Requests from web pages are accepted only from localhost, 127.0.0.1 or [::1].');
  }
  return null;
}

function originHostname(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    // "null" (sandboxed frames, file: pages) and garbage have no host and match no loopback name.
    return '';
  }
}

const forbidden = (message: string): AppError => new AppError('forbidden', message);
