// HTTP handler wrapper: every HTTP function gets its invocation logger here, and every error it throws becomes a
// response through the one error mapper, so no handler repeats the try/catch.
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Logger } from '../services/shared/ports';
import { toErrorResponse } from './error-response';
import { createContextLogger } from './request-log';

/** What a handler answers with; it may throw, and the wrapper turns the error into a response. */
export type HandleRequest = (request: HttpRequest, log: Logger) => Promise<HttpResponseInit>;

/** How an error becomes a response for this request: JSON by default, a page for browser-facing routes. */
export type RenderError = (err: unknown, log: Logger, request: HttpRequest) => HttpResponseInit;

export function createHttpHandler(handle: HandleRequest, renderError: RenderError = toErrorResponse): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext) => {
    const log = createContextLogger(context);
    try {
      return await handle(request, log);
    } catch (err) {
      return renderError(err, log, request);
    }
  };
}
