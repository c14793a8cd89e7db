// Cancel function: POST /api/logs/{execId}/cancel stops a run, at once if it has not started, through its worker if it runs.
import type { HttpFunctionOptions, HttpRequest } from '@azure/functions';
import { z } from 'zod';
import type { Provide } from '../src/composition/service-groups';
import { executionPath } from '../src/domain/shared/api-paths';
import { badRequest } from '../src/domain/shared/errors';
import { createHttpHandler } from '../src/http/http-handler';
import { fieldOfIssue, hasBody, readJsonBody } from '../src/http/json-body';
import { readRequester } from '../src/http/principal';
import { toExecutionSummary } from '../src/http/views';

// Who asks without App Service authentication: whoever holds the function key.
export const KEY_HOLDER = 'function key';

const cancelBody = z.strictObject({ reason: z.string().optional() });

export function defineCancelFunction(services: Provide<'control'>): HttpFunctionOptions {
  return {
    route: 'logs/{execId}/cancel',
    methods: ['POST'],
    authLevel: 'function',
    handler: createHttpHandler(async (request, log) => {
      const execId = request.params['execId'] ?? '';
      const reason = await readReason(request);
      const by = readRequester(request).requestedBy ?? KEY_HOLDER;
      const e = await services().cancel({ execId, by, ...(reason ? { reason } : {}) }, log);
      // 202 while the worker still has to stop it; 200 when the cancel is the end of it.
      return {
        status: e.status === 'cancelled' ? 200 : 202,
        jsonBody: { ...toExecutionSummary(e), links: { self: executionPath(e.execId) } },
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
