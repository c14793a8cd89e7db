// Health function: GET /api/health says whether ClouDO can reach its storage; 503 when it cannot.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { errorResponse } from '../src/http/error-response';
import { parseQuery } from '../src/http/query-params';
import { contextLogger } from '../src/http/request-log';
import type { ServicesProvider } from './register';

export function healthFunction(services: ServicesProvider): HttpFunctionOptions {
  return {
    route: 'health',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: (request, context) => handleHealth(services, request, context),
  };
}

async function handleHealth(
  services: ServicesProvider,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    parseQuery(request, {});
  } catch (err) {
    return errorResponse(err, contextLogger(context));
  }
  try {
    await services().checkStorage();
    return { status: 200, jsonBody: { status: 'ok', storage: 'ok' } };
  } catch (err) {
    contextLogger(context).warn(`health: storage check failed: ${String(err)}`);
    return {
      status: 503,
      headers: { 'Retry-After': '5' },
      jsonBody: { status: 'unavailable', storage: 'unavailable' },
    };
  }
}
