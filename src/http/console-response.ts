// How the console's files are answered: a strict Content-Security-Policy, no sniffing, no framing, revalidated caching.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { ConsoleFile } from '../services/console/ports';

/**
 * Scripts and styles only from ClouDO's own origin, never inline; JSON and the output stream only to it; no frames
 * (clickjacking an approve button), no <base>, forms only back to ClouDO.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Kept, but asked about again each time: a new deployment shows at the next load.
  'Cache-Control': 'no-cache',
};

export function toConsoleResponse(file: ConsoleFile, request: HttpRequest): HttpResponseInit {
  const headers = { ...CONSOLE_HEADERS, ETag: file.etag };
  if (request.headers.get('if-none-match') === file.etag) return { status: 304, headers };
  return { status: 200, headers: { ...headers, 'Content-Type': file.contentType }, body: file.body };
}
