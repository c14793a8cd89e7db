// Building blocks of the document's operations: JSON answers, the error answers by status, and who may call.
import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { errorBody } from './common';

/** How a caller proves who it is: a function key (header or query), or App Service sign-in. */
export const SECURITY_SCHEMES = {
  functionKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-functions-key',
    description: 'A function key of the Function App (keyed routes, and every route without sign-in).',
  },
  functionKeyQuery: { type: 'apiKey', in: 'query', name: 'code', description: 'The function key as `?code=`.' },
  appServiceSignIn: {
    type: 'http',
    scheme: 'bearer',
    description:
      'App Service authentication (Microsoft Entra ID): a browser carries its sign-in session, a pipeline a bearer ' +
      'token; the platform passes the verified caller to ClouDO as X-MS-CLIENT-PRINCIPAL. See docs/access.md.',
  },
} as const;

const KEY = [{ functionKey: [] }, { functionKeyQuery: [] }];
/** Keyed routes (Trigger): always a function key. */
export const KEYED = KEY;
/** People's routes: a signed-in caller with the right role, or (without sign-in) a function key. */
export const PEOPLE = [{ appServiceSignIn: [] }, ...KEY];
/** Anonymous routes: nothing, or (approvals with sign-in) the signed-in approver. */
export const ANONYMOUS = [{}];

const REASONS: Readonly<Record<number, string>> = {
  400: 'A bad input; `field` names it.',
  401: 'No usable identity: sign in.',
  403: 'The caller may not do this.',
  404: 'No such thing; `field` names what was looked up.',
  409: 'The state does not allow it (see the message and `reason`).',
  410: 'The link expired.',
  413: 'The body is too large.',
  415: 'The body is not JSON.',
  422: 'An Idempotency-Key reused for another request.',
  429: 'Load shed: nothing was recorded; retry after Retry-After.',
  500: 'An internal error; details are in the log.',
  503: 'Storage unavailable or contended: retry after Retry-After.',
};

const retryAfter = { 'Retry-After': z.string().meta({ description: 'Seconds to wait before retrying.' }) };

/** The error answers of an operation: the statuses given, and 500 (every route) and 503 (every storage read). */
// A method a route does not take is a 405 with the same error body, on every path: the Error component says it.
export function errors(...statuses: number[]): ZodOpenApiResponsesObject {
  const all = [...new Set([...statuses, 500, 503])].sort();
  return Object.fromEntries(
    all.map((s) => [
      String(s),
      {
        description: REASONS[s] ?? 'An error.',
        ...(s === 429 || s === 503 ? { headers: z.object(retryAfter) } : {}),
        content: { 'application/json': { schema: errorBody } },
      },
    ]),
  );
}

/** A JSON answer. */
export const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The errors every guarded route may answer: a bad query, no identity, not allowed. */
export const GUARDED = [400, 401, 403];

export type Operation = ZodOpenApiOperationObject;
