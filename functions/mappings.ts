// Mappings functions: GET /api/mappings lists every mapping for discovery; GET /api/mappings/{partition}/{id} shows
// one with its budget and concurrency slots as they are now.
import type { HttpFunctionOptions } from '@azure/functions';
import type { z } from 'zod';
import type { Provide } from '../src/composition/service-groups';
import { badRequest } from '../src/domain/shared/errors';
import { mappingKeySchema, partitionKeySchema } from '../src/domain/mappings/mapping-schema';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';
import type { Answer } from '../src/http/api-contract/common';
import type { mappingDetail, mappingsAnswer } from '../src/http/api-contract/console-reads';

export function defineMappingsFunction(services: Provide<'mappings'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'mappings',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request, _log, caller) => {
      parseQuery(request, {});
      return {
        status: 200,
        jsonBody: { items: await services().list(caller) } satisfies Answer<typeof mappingsAnswer>,
      };
    }),
  };
}

/** Every mapping has a partition (its file's partition_key), so the route names both, as stored. */
export function defineMappingFunction(services: Provide<'mappings'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'mappings/{partition}/{id}',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request, _log, caller) => {
      parseQuery(request, {});
      const partition = routeParam('partition', partitionKeySchema, request.params['partition']);
      const id = routeParam('id', mappingKeySchema, request.params['id']);
      return {
        status: 200,
        jsonBody: (await services().get(caller, partition, id)) satisfies Answer<typeof mappingDetail>,
      };
    }),
  };
}

function routeParam(field: string, schema: z.ZodType<string>, value: string | undefined): string {
  const parsed = schema.safeParse(value ?? '');
  if (!parsed.success) throw badRequest(field, `Invalid "${field}": ${parsed.error.issues[0]?.message}.`);
  return parsed.data;
}
