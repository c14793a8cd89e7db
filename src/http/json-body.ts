// Webhook bodies: JSON of at most 256 KB and 64 levels, sent as JSON, or a 4xx that says exactly what is wrong.
import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { AppError, badRequest } from '../domain/shared/errors';
import { findTooDeep } from '../domain/shared/json-depth';

export const MAX_WEBHOOK_BYTES = 256 * 1024;

/** `what` names the body in errors: an alert by default, as webhooks send. */
export async function readJsonBody(request: HttpRequest, what = 'the alert'): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new AppError(
      'unsupported_media_type',
      `Send ${what} as JSON (Content-Type: application/json), not "${type.slice(0, 80) || 'none'}".`,
      {
        field: 'content-type',
      },
    );
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_WEBHOOK_BYTES) throw tooLarge();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_WEBHOOK_BYTES) throw tooLarge();
  if (bytes.length === 0) throw badRequest('body', 'The body is empty: send an alert payload, or ?id=<mapping id>.');
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw badRequest('body', `The body is not valid JSON: ${(err as Error).message}`);
  }
  // Storing and logging a value is recursive: nesting must be bounded before anything else sees it.
  const deep = findTooDeep(body);
  if (deep) throw badRequest(deep.field ?? 'body', deep.message);
  return body;
}

const tooLarge = () =>
  new AppError('payload_too_large', `The body is larger than ${MAX_WEBHOOK_BYTES / 1024} KB.`, { field: 'body' });

/** Whether the request carries a body at all (a length above 0, or a chunked one). */
export function hasBody(request: HttpRequest): boolean {
  const length = request.headers.get('content-length');
  return request.headers.has('transfer-encoding') || (length !== null && length !== '0');
}

/** The field a body's first zod issue is about: an unknown key by its name, else the path; `body` when neither. */
export function fieldOfIssue(issue: z.core.$ZodIssue | undefined): { field: string; unknownKey: boolean } {
  const unknown = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  if (unknown !== undefined) return { field: unknown.slice(0, 64), unknownKey: true };
  return { field: issue?.path.join('.').slice(0, 64) || 'body', unknownKey: false };
}
