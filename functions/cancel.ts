// Cancel function: POST /api/logs/{execId}/cancel stops a run, at once if it has not started, through its worker if it runs.
import type { HttpFunctionOptions, HttpRequest } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import { badRequest } from '../src/domain/shared/errors';
import { authLevelFor, createGuardedHandler, readOrigin, type GuardFor } from '../src/http/guarded-handler';
import { fieldOfIssue, hasBody, readJsonBody } from '../src/http/json-body';
import { claimedName } from '../src/http/caller';
import { toExecutionSummary } from '../src/http/views';
import { cancelBody } from '../src/http/api-contract/executions';

// Who asks without App Service authentication: whoever holds the function key.
export const KEY_HOLDER = 'function key';

export function defineCancelFunction(services: Provide<'control'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'cancel');
  return {
    route: 'logs/{execId}/cancel',
    methods: ['POST'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request, log, caller) => {
      const execId = request.params['execId'] ?? '';
      const reason = await readReason(request);
      // Without sign-in, a key holder may still say who they are (unverified, as before sign-in existed).
      const by = claimedName(request, caller) ?? KEY_HOLDER;
      const actor = { id: caller.id, name: by, kind: caller.kind };
      const ask = { execId, by, actor, caller, origin: readOrigin(request), ...(reason ? { reason } : {}) };
      const e = await services().cancel(ask, log);
      // 202 while the worker still has to stop it; 200 when the cancel is the end of it.
      return {
        status: e.status === 'cancelled' ? 200 : 202,
        jsonBody: toExecutionSummary(e),
      };
    }),
  };
}

async function readReason(request: HttpRequest): Promise<string | undefined> {
  if (!hasBody(request)) return undefined;
  const parsed = cancelBody.safeParse(await readJsonBody(request, 'the cancel request'));
  if (parsed.success) return parsed.data.reason;
  throw badRequest(fieldOfIssue(parsed.error.issues[0]).field, 'Send {"reason": "<why>"}, or no body.');
}
