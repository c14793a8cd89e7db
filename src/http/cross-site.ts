// Cross-site requests: a page on another site must not borrow a signed-in person's session to change anything.
import type { HttpRequest } from '@azure/functions';
import { AppError } from '../domain/shared/errors';

/**
 * Whether a browser sent this on behalf of another site: by Sec-Fetch-Site, or, from browsers without it, by an
 * Origin that names another host. Programs (curl, the CLI, webhooks) send neither and are not affected.
 */
export function isCrossSite(request: HttpRequest): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.get('origin');
  const host = request.headers.get('host') ?? new URL(request.url).host;
  return site === null && origin !== null && hostOf(origin) !== host.toLowerCase();
}

/** Throws 403 naming the origin when `request` is cross-site. */
export function refuseCrossSiteChange(request: HttpRequest, message: string): void {
  if (isCrossSite(request)) throw new AppError('forbidden', message, { field: 'origin' });
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    // "null" (sandboxed frames, file: pages) and garbage name no host, so never this one.
    return '';
  }
}
