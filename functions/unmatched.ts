// Unmatched-alerts function: GET /api/alerts/unmatched lists alerts that arrived and no mapping claimed, newest first.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { badRequest } from '../src/domain/errors';
import { errorResponse } from '../src/http/error-response';
import { contextLogger } from '../src/http/request-log';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../src/services/query-executions';
import type { ServicesProvider } from './register';

export function unmatchedFunction(services: ServicesProvider): HttpFunctionOptions {
  return {
    route: 'alerts/unmatched',
    methods: ['GET'],
    authLevel: 'function',
    handler: (request, context) => handleUnmatched(services, request, context),
  };
}

async function handleUnmatched(
  services: ServicesProvider,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const raw = request.query.get('limit') ?? String(DEFAULT_LIMIT);
    const limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw badRequest('limit', `limit must be a whole number from 1 to ${MAX_LIMIT}.`);
    }
    return { status: 200, jsonBody: { items: await services().listUnmatched(limit) } };
  } catch (err) {
    return errorResponse(err, contextLogger(context));
  }
}
