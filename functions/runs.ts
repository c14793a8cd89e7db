// Runs function: POST /api/runs?id=<mapping id> is the manual run for signed-in people (a browser has no function key);
// alerts go to /api/Trigger.
import type { HttpFunctionOptions } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { handleTrigger, rightOf } from './trigger';

/** /api/runs: the same manual runs for signed-in people (a browser has no function key); alerts go to Trigger. */
export function defineRunsFunction(services: Provide<'trigger'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', rightOf);
  return {
    route: 'runs/{partition?}',
    methods: ['POST'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, (request, log, caller) =>
      handleTrigger(services, request, log, { caller, alerts: false }),
    ),
  };
}
