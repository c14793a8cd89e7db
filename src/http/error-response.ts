// The one mapper from errors to HTTP responses: every error becomes a JSON body with a code, a message and a field.
import type { HttpResponseInit } from '@azure/functions';
import { AppError, type ErrorCode } from '../domain/shared/errors';
import { HTML_HEADERS, renderResultPage } from './approval-page';
import type { Logger } from '../services/shared/ports';

const STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  storage_unavailable: 503,
  busy: 503,
  overloaded: 429,
  internal: 500,
};

export function toErrorResponse(err: unknown, log: Logger): HttpResponseInit {
  const appError = err instanceof AppError ? err : null;
  if (!appError || appError.code === 'internal') log.error(`unhandled error: ${describe(err)}`);
  else if (appError.code === 'storage_unavailable') log.warn(`storage unavailable: ${describe(appError.cause)}`);
  const code: ErrorCode = appError?.code ?? 'internal';
  // Internal details stay in the log: they may name hosts, paths or settings.
  const message = appError && code !== 'internal' ? appError.message : 'Internal error; see the ClouDO log.';
  return {
    status: STATUS[code],
    headers: retryAfter(appError),
    jsonBody: { error: { code, message, ...(appError && code !== 'internal' ? appError.details : {}) } },
  };
}

// Every retriable answer says when to come back: 429 as the gate decided, 503 after a storage client's retries.
function retryAfter(err: AppError | null): Record<string, string> {
  if (err?.code === 'overloaded') return { 'Retry-After': String(err.details['retryAfterSeconds'] ?? 1) };
  return err && STATUS[err.code] === 503 ? { 'Retry-After': '5' } : {};
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** The same mapping for a person in a browser: the status and message, as a small HTML page. */
export function toHtmlErrorResponse(err: unknown, log: Logger): HttpResponseInit {
  const json = toErrorResponse(err, log);
  const body = (json.jsonBody as { error: { message: string } }).error;
  const status = json.status ?? 500;
  return { status, headers: HTML_HEADERS, body: renderResultPage(`Not done (${status})`, body.message) };
}
