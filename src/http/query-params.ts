// Query strings, read one way by every HTTP function: known names only, each at most once, values checked by zod.
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { badRequest } from '../domain/shared/errors';

// The Functions host passes the function key through as `code`: it is no parameter of ours, and never echoed.
const HOST_PARAMS: readonly string[] = ['code'];
// Names come from the caller and are quoted back in errors: bounded.
const MAX_NAME = 64;

/** The route's parameters, parsed; throws bad_request naming an unknown, repeated or invalid parameter. */
export function parseQuery<S extends z.ZodRawShape>(request: HttpRequest, shape: S): z.output<z.ZodObject<S>> {
  const known = Object.keys(shape);
  const given: Record<string, string> = {};
  for (const [name, value] of request.query.entries()) {
    if (HOST_PARAMS.includes(name)) continue;
    const shown = name.slice(0, MAX_NAME);
    if (!known.includes(name)) throw badRequest(shown, `Unknown parameter "${shown}"; ${knownText(known)}.`);
    // Two values leave it to chance which one a proxy, a log or this code reads: refuse instead of picking.
    if (Object.hasOwn(given, name)) throw badRequest(name, `Parameter "${name}" is given more than once.`);
    given[name] = value;
  }
  const parsed = z.object(shape).safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? 'query');
  throw badRequest(field, `Invalid "${field}": ${issue?.message ?? 'invalid'}.`);
}

function knownText(known: readonly string[]): string {
  return known.length === 0 ? 'this route takes no parameters' : `this route takes ${known.join(', ')}`;
}
