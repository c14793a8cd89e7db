// The CLI's side of the API contract: every answer it reads is checked against the schema the document is made from.
import type { z } from 'zod';
import type { ApiAnswer, ApiCall } from '../adapters/operator/cloudo-api';
import { oneLine } from './terminal-text';

/** An answer that is not what the contract says: a ClouDO of another version, or something else at that URL. */
export class UnexpectedAnswer extends Error {
  override readonly name = 'UnexpectedAnswer';
}

type Caller = { call(call: ApiCall): Promise<ApiAnswer> };

/** Calls ClouDO and checks the body; the status with it (a cancel says 200 or 202). */
export async function readAnswer<T>(
  op: Caller,
  call: ApiCall,
  schema: z.ZodType<T, T>,
): Promise<{ readonly status: number; readonly body: T }> {
  const { status, body } = await op.call(call);
  return { status, body: checkAnswer(schema, call, body) };
}

/**
 * The body itself once it parses, not zod's copy: --json prints what ClouDO sent, every field in its order, fields
 * newer than this CLI too. The schema's input and output types are one (no defaults or transforms), so it is a T.
 */
export function checkAnswer<T>(schema: z.ZodType<T, T>, call: Pick<ApiCall, 'method' | 'path'>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return body as T;
  const [first, ...more] = parsed.error.issues;
  const at = first && first.path.length > 0 ? first.path.map(String).join('.') : 'the body';
  const what = first ? `${at}: ${first.message}` : 'it does not parse';
  const also = more.length > 0 ? ` (and ${more.length} more)` : '';
  return unexpected(`ClouDO answered ${call.method} ${pathOf(call.path)} with an unexpected body: ${what}${also}`);
}

function unexpected(message: string): never {
  throw new UnexpectedAnswer(oneLine(message).slice(0, 500));
}

// The path only: an approval link's query is its signature, which has no place in an error message.
const pathOf = (path: string): string => new URL(path, 'http://cloudo.invalid').pathname;
