// Me function: GET /api/me says who the caller is and what it may do, so a console can hide what it may not.
import type { HttpFunctionOptions } from '@azure/functions';
import { rightsOf } from '../src/domain/identity/caller';
import { authSchemeOf } from '../src/http/caller';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';
import type { Answer } from '../src/http/api-contract/common';
import type { meAnswer } from '../src/http/api-contract/console-reads';

export function defineMeFunction(guardFor: GuardFor): HttpFunctionOptions {
  // Any identified caller: a Reader-less person may still ask who it is (and learn it may do nothing).
  const guard = guardFor('people', 'identity');
  return {
    route: 'me',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request, _log, caller) => {
      parseQuery(request, {});
      return {
        status: 200,
        jsonBody: {
          // The object id (for a person), "key" or "local": what four eyes compares with a run's requester.
          id: caller.id,
          name: caller.name,
          kind: caller.kind,
          roles: [...caller.roles],
          auth: authSchemeOf(guard.auth),
          rights: rightsOf(caller),
        } satisfies Answer<typeof meAnswer>,
      };
    }),
  };
}
