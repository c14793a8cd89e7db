// HTTP handler wrapper: every HTTP function gets its invocation logger, its span and its response metrics here, and
// every error it throws becomes a response through the one error mapper, so no handler repeats the try/catch.
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { SpanKind, trace } from '@opentelemetry/api';
import type { Logger } from '../services/shared/ports';
import type { Telemetry } from '../services/telemetry/ports';
import { toErrorResponse } from './error-response';
import { createContextLogger } from './request-log';

/** What a handler answers with; it may throw, and the wrapper turns the error into a response. */
export type HandleRequest = (request: HttpRequest, log: Logger) => Promise<HttpResponseInit>;

/** How an error becomes a response for this request: JSON by default, a page for browser-facing routes. */
export type RenderError = (err: unknown, log: Logger, request: HttpRequest) => HttpResponseInit;

type ResponseSink = Pick<Telemetry, 'responded'>;
let sink: () => ResponseSink | undefined = () => undefined;

/** Where answers are reported (registerFunctions sets it); the process's telemetry is one, like OpenTelemetry's. */
export function reportResponsesTo(telemetry: () => ResponseSink): void {
  sink = telemetry;
}

export function createHttpHandler(handle: HandleRequest, renderError: RenderError = toErrorResponse): HttpHandler {
  return (request: HttpRequest, context: InvocationContext) =>
    // The function's name is the route's label: a handful of values, never a path with ids in it.
    trace
      .getTracer('cloudo')
      .startActiveSpan(`${request.method} ${context.functionName}`, { kind: SpanKind.SERVER }, async (span) => {
        const started = performance.now();
        const log = createContextLogger(context);
        try {
          let response: HttpResponseInit;
          try {
            response = await handle(request, log);
          } catch (err) {
            response = renderError(err, log, request);
          }
          const status = response.status ?? 200;
          span.setAttributes({ 'http.route': context.functionName, 'http.response.status_code': status });
          reportResponse(context.functionName, status, performance.now() - started, log);
          return response;
        } finally {
          // Even when rendering the error fails too, the span ends.
          span.end();
        }
      });
}

// Reporting never costs the caller its answer: telemetry that cannot be reached is logged and skipped.
function reportResponse(route: string, status: number, durationMs: number, log: Logger): void {
  try {
    sink()?.responded(route, status, durationMs);
  } catch (err) {
    log.warn(`metrics: ${String(err)}`);
  }
}
