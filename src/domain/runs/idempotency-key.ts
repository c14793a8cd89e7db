// Idempotency keys of manual requests: the Idempotency-Key header (IETF draft) or an intake message's requestId.
import { z } from 'zod';

/** The key, and the input that carried it ("Idempotency-Key" or "requestId"), for errors that name it. */
export type RequestKey = { readonly key: string; readonly field: string };

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters (no spaces), such as a UUID');

/**
 * The key a header value carries. The draft makes it a structured-field string ("…", with \" and \\ escapes); many
 * clients send the bare key. Both mean the same key.
 */
export function parseIdempotencyKey(value: string): string {
  const text = value.trim();
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(text);
  return quoted ? (quoted[1] ?? '').replace(/\\(["\\])/g, '$1') : text;
}
