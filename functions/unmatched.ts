// Unmatched-alerts function: GET /api/alerts/unmatched lists alerts that arrived and no mapping claimed, newest first.
import type { HttpFunctionOptions } from '@azure/functions';
import { wholeNumber } from '../src/domain/shared/whole-number';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../src/services/runs/query-executions';
import type { Provide } from '../src/composition/service-groups';

const UNMATCHED_QUERY = { limit: wholeNumber(1, MAX_LIMIT).default(DEFAULT_LIMIT) };

export function defineUnmatchedFunction(services: Provide<'unmatched'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'alerts/unmatched',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request) => {
      const { limit } = parseQuery(request, UNMATCHED_QUERY);
      return { status: 200, jsonBody: { items: await services().list(limit) } };
    }),
  };
}
