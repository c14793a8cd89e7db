// Overview function: GET /api/overview?hours=24 sums up the last hours: runs by status, what waits or is stuck,
// poison queues, unmatched alerts, storage health and owed pages.
import type { HttpFunctionOptions } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';
import { OVERVIEW_QUERY } from '../src/http/api-contract/console-reads';
import type { Answer } from '../src/http/api-contract/common';
import type { overviewAnswer } from '../src/http/api-contract/console-reads';

export function defineOverviewFunction(services: Provide<'overview'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'overview',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request) => {
      const { hours } = parseQuery(request, OVERVIEW_QUERY);
      return { status: 200, jsonBody: (await services().read(hours)) satisfies Answer<typeof overviewAnswer> };
    }),
  };
}
