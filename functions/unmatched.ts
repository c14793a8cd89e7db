// Unmatched-alerts functions: GET /api/alerts/unmatched lists alerts that arrived and no mapping claimed, newest
// first; POST /api/alerts/unmatched/{key}/dry-run replays one against today's mappings, recording nothing.
import type { HttpFunctionOptions } from '@azure/functions';
import { unmatchedDryRunPath } from '../src/domain/shared/api-paths';
import { badRequest } from '../src/domain/shared/errors';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';
import { UNMATCHED_QUERY, unmatchedKey } from '../src/http/api-contract/console-reads';
import type { Provide } from '../src/composition/service-groups';
import type { Answer } from '../src/http/api-contract/common';
import type { payloadPreview } from '../src/http/api-contract/trigger';
import type { unmatchedAnswer } from '../src/http/api-contract/console-reads';

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
      return { status: 200, jsonBody: { items } satisfies Answer<typeof unmatchedAnswer> };
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
      return { status: 200, jsonBody: (await services().dryRun(key.data)) satisfies Answer<typeof payloadPreview> };
    }),
  };
}
