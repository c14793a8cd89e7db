// Schedules function: GET /api/schedules lists scheduled mappings with their next due times and last run.
import type { HttpFunctionOptions } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';
import type { Answer } from '../src/http/api-contract/common';
import type { schedulesAnswer } from '../src/http/api-contract/console-reads';

export function defineSchedulesFunction(services: Provide<'schedules'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'schedules',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request) => {
      parseQuery(request, {});
      return { status: 200, jsonBody: { items: await services().list() } satisfies Answer<typeof schedulesAnswer> };
    }),
  };
}
