// Unmatched-alerts functions: GET /api/alerts/unmatched lists alerts that arrived and no mapping claimed, newest
// first; POST /api/alerts/unmatched/{key}/dry-run replays one against today's mappings, recording nothing.
import type { HttpFunctionOptions } from '@azure/functions';
import { z } from 'zod';
import { unmatchedDryRunPath } from '../src/domain/shared/api-paths';
import { badRequest } from '../src/domain/shared/errors';
import { wholeNumber } from '../src/domain/shared/whole-number';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../src/services/runs/query-executions';
import type { Provide } from '../src/composition/service-groups';

const UNMATCHED_QUERY = { limit: wholeNumber(1, MAX_LIMIT).default(DEFAULT_LIMIT) };
// Inverted event time, then a hash of the event: what the list gives as `key`.
const unmatchedKey = z.string().regex(/^\d{13}-[0-9a-f]{32}$/, 'the `key` of an item of GET /api/alerts/unmatched');

export function defineUnmatchedFunction(services: Provide<'unmatched'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'alerts/unmatched',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request) => {
      const { limit } = parseQuery(request, UNMATCHED_QUERY);
      const items = (await services().list(limit)).map(({ payloadKept, ...item }) => ({
        ...item,
        // Without a kept delivery there is nothing to replay: no link rather than one that answers 404.
        links: { dryRun: payloadKept ? unmatchedDryRunPath(item.key) : null },
      }));
      return { status: 200, jsonBody: { items } };
    }),
  };
}

/** A dry run only reads: a Reader may ask what today's mappings would do with an alert nobody claimed. */
export function defineUnmatchedDryRunFunction(services: Provide<'unmatched'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'alerts/unmatched/{key}/dry-run',
    methods: ['POST'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request) => {
      parseQuery(request, {});
      const key = unmatchedKey.safeParse(request.params['key'] ?? '');
      if (!key.success) throw badRequest('key', `Invalid "key": ${key.error.issues[0]?.message}.`);
      return { status: 200, jsonBody: await services().dryRun(key.data) };
    }),
  };
}
