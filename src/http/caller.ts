// Who is calling, as this deployment can tell: the verified sign-in (X-MS-CLIENT-PRINCIPAL), a function key, or the
// local runtime's user; and whether that caller may do what the route does (401 and 403 name what is missing).
import type { HttpRequest } from '@azure/functions';
import {
  keyHolder,
  localAdmin,
  mayDo,
  ROLE_FOR,
  type AuthMode,
  type Caller,
  type Right,
} from '../domain/identity/caller';
import { readClientPrincipal } from '../domain/identity/client-principal';
import { AppError } from '../domain/shared/errors';
import { parsePersonName, PRINCIPAL_HEADER, readRequester } from './principal';

export type AuthSettings = {
  readonly mode: AuthMode;
  readonly localUser: string;
  /** Set by the local runtime: its `easy-auth` is the principal header trusted as App Service would set it. */
  readonly local?: boolean;
};

export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';

/** `keyed`: the host checks a function key (Trigger); `people`: the sign-in decides (with sign-in on). */
export type RouteGuard = 'keyed' | 'people';

/** The request's caller, or null when it has none (a people's route without sign-in). */
export function resolveCaller(request: HttpRequest, auth: AuthSettings, guard: RouteGuard): Caller | null {
  switch (auth.mode) {
    case 'local-admin':
      // Tools and tests may say who they act for (as App Service would); it names the record, it grants nothing.
      return localAdmin(parsePersonName(request.headers.get(PRINCIPAL_HEADER)) ?? auth.localUser);
    case 'keys':
      // The host let the request in, so it carried a valid key.
      return keyHolder(true);
    case 'easy-auth': {
      // Keyed routes are outside sign-in: nothing there vouches for a principal header, so the key is the caller.
      if (guard === 'keyed') return keyHolder(false);
      const header = request.headers.get(CLIENT_PRINCIPAL_HEADER);
      if (header === null) return null;
      const read = readClientPrincipal(header);
      if (!read.ok)
        throw new AppError('unauthorized', `The sign-in principal is unusable (${read.why}).`, {
          field: CLIENT_PRINCIPAL_HEADER,
        });
      return read.caller;
    }
  }
}

/**
 * The name a caller goes by in records: a verified caller's own; without sign-in a key holder may say whom it acts for
 * (X-MS-CLIENT-PRINCIPAL-NAME, a claim recorded as said), else it has none of its own.
 */
export function claimedName(request: HttpRequest, caller: Caller): string | undefined {
  return caller.keyHolder ? readRequester(request).requestedBy : caller.name;
}

/** The caller, if it holds `right`; else 401 (nobody signed in) or 403 naming the role it lacks. */
export function authorize(request: HttpRequest, auth: AuthSettings, guard: RouteGuard, right: Right): Caller {
  const caller = identify(request, auth, guard);
  if (!mayDo(caller, right)) throw forbidden(caller, right);
  return caller;
}

/** The caller, whatever its roles; 401 when nobody is signed in. */
export function identify(request: HttpRequest, auth: AuthSettings, guard: RouteGuard): Caller {
  const caller = resolveCaller(request, auth, guard);
  if (caller === null) throw unauthorized();
  return caller;
}

/** How this deployment tells callers apart, as the docs name it (the local runtime's header mode included). */
export type AuthScheme = 'easy-auth' | 'keys' | 'local-admin' | 'principal-header';

export function authSchemeOf(auth: AuthSettings): AuthScheme {
  return auth.mode === 'easy-auth' && auth.local === true ? 'principal-header' : auth.mode;
}

export function unauthorized(): AppError {
  return new AppError('unauthorized', 'Sign in first: this route needs a signed-in identity.', {
    field: CLIENT_PRINCIPAL_HEADER,
  });
}

export function forbidden(caller: Caller, right: Right): AppError {
  const role = ROLE_FOR[right];
  const also = role === 'ClouDO.Admin' ? '' : ' (or ClouDO.Admin)';
  return new AppError('forbidden', `${caller.name} may not ${right} here: it needs the ${role} role${also}.`, {
    missingRole: role,
  });
}
