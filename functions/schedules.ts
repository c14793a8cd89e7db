// Schedules function: GET /api/schedules lists scheduled mappings with their next due times and last run.
import type { HttpFunctionOptions } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import { createHttpHandler } from '../src/http/http-handler';
import { parseQuery } from '../src/http/query-params';

export function defineSchedulesFunction(services: Provide<'schedules'>): HttpFunctionOptions {
  return {
    route: 'schedules',
    methods: ['GET'],
    authLevel: 'function',
    handler: createHttpHandler(async (request) => {
      parseQuery(request, {});
      return { status: 200, jsonBody: { items: await services().list() } };
    }),
  };
}
