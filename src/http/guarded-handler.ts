// Guarded HTTP handlers: the caller is established and checked before the handler runs, and every refusal is audited.
import type { HttpHandler, HttpRequest, HttpResponseInit } from '@azure/functions';
import type { RequestOrigin } from '../domain/audit/audit-record';
import type { Caller, Right } from '../domain/identity/caller';
import { AppError } from '../domain/shared/errors';
import type { AuditServices } from '../composition/service-groups';
import type { Logger } from '../services/shared/ports';
import { refuseCrossSiteChange } from './cross-site';
import { authorize, identify, resolveCaller, type AuthSettings, type RouteGuard } from './caller';
import { createHttpHandler, type RenderError } from './http-handler';

/** A right the route needs, or `identity`: any identified caller, whatever its roles (GET /api/me). */
export type Need = Right | 'identity';

export type Guard = {
  readonly auth: AuthSettings;
  readonly route: RouteGuard;
  /** What the route does; a function of the request where it depends on it (a dry run only reads). */
  readonly right: Need | ((request: HttpRequest) => Right);
  readonly audit: () => AuditServices;
};

export type GuardedRequest = (request: HttpRequest, log: Logger, caller: Caller) => Promise<HttpResponseInit>;

export function createGuardedHandler(guard: Guard, handle: GuardedRequest, renderError?: RenderError): HttpHandler {
  return createHttpHandler(async (request, log) => {
    const right = typeof guard.right === 'function' ? guard.right(request) : guard.right;
    const caller = await authorizeOrAudit(guard, request, right, log);
    // Refusals the use case makes (a mapping's access list, four eyes) are recorded like the guard's own.
    return auditRefusal(guard, request, right, log, () => {
      // A bodiless POST is a form any site may send with the person's App Service session cookie: people's routes
      // refuse every state change another site asks for, whatever its content type.
      if (guard.route === 'people' && !SAFE_METHODS.has(request.method.toUpperCase())) {
        refuseCrossSiteChange(request, 'Cross-site requests may not change anything: use ClouDO from its own pages.');
      }
      return handle(request, log, caller);
    });
  }, renderError);
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where the request came from: the client address the front end saw, and its request id. */
// The front end sets X-Client-IP and appends the address it saw to X-Forwarded-For (whose first entries a client may
// write itself), and names the request in X-ARR-LOG-ID; a client's own X-Request-ID is not taken.
export function readOrigin(request: HttpRequest): RequestOrigin {
  const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
  const clientIp = request.headers.get('x-client-ip') || forwarded || null;
  const requestId = request.headers.get('x-arr-log-id');
  return { clientIp: clientIp?.slice(0, 64) ?? null, requestId: requestId?.slice(0, 128) ?? null };
}

/** Runs `work`; a 401 or 403 it throws is audited (best effort) and thrown on. */
export async function auditRefusal<T>(
  guard: Guard,
  request: HttpRequest,
  right: Need,
  log: Logger,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await auditDenial(guard, request, right, err, log);
    throw err;
  }
}

/** The caller, if allowed; a refusal is audited and thrown (for routes that guard only some requests). */
export async function authorizeOrAudit(guard: Guard, request: HttpRequest, right: Need, log: Logger): Promise<Caller> {
  try {
    return right === 'identity'
      ? identify(request, guard.auth, guard.route)
      : authorize(request, guard.auth, guard.route, right);
  } catch (err) {
    await auditDenial(guard, request, right, err, log);
    throw err;
  }
}

// A refusal is recorded, but not at the price of the answer: the caller is refused either way.
async function auditDenial(guard: Guard, request: HttpRequest, right: Need, err: unknown, log: Logger) {
  if (!(err instanceof AppError) || (err.code !== 'unauthorized' && err.code !== 'forbidden')) return;
  let who: Caller | null = null;
  try {
    who = resolveCaller(request, guard.auth, guard.route);
  } catch {
    // An unusable principal: recorded as anonymous.
  }
  const actor = who
    ? { id: who.id, name: who.name, kind: who.kind }
    : { id: 'anonymous', name: 'anonymous', kind: 'person' as const };
  await guard
    .audit()
    .write({
      actor,
      action: 'access.denied',
      outcome: err.code === 'unauthorized' ? 'unauthorized' : 'forbidden',
      detail: { method: request.method, path: new URL(request.url).pathname, right, reason: err.message },
      origin: readOrigin(request),
    })
    .catch((e: unknown) => log.warn(`access denied, and its audit record was not written: ${String(e)}`));
}

/** Makes the guard of one route: its kind and the right it needs. */
export type GuardFor = (route: RouteGuard, right: Guard['right']) => Guard;

/**
 * The host's check for a route: keyed routes always take a function key; with sign-in, people's routes are left to
 * App Service authentication (which lets no one through unsigned) and to the guard, since a browser has no key.
 */
export function authLevelFor(guard: Guard): 'function' | 'anonymous' {
  return guard.route === 'people' && guard.auth.mode === 'easy-auth' ? 'anonymous' : 'function';
}
