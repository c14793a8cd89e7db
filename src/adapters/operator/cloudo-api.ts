// ClouDO's HTTP API from a terminal: JSON requests with the function key, errors read from the API's error body.
import { readFile } from 'node:fs/promises';

export type ApiTarget = { readonly url: string; readonly key: string | undefined; readonly token?: string | undefined };

/** An answer that is not a 2xx, or no answer at all (`status` 0): the message is the server's, or why none came. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export type ApiCall = {
  readonly method: 'GET' | 'POST';
  /** A path under the app (`/api/logs`), or an absolute URL (an approval link). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly json?: unknown;
  readonly accept?: string;
};

export type ApiAnswer = { readonly status: number; readonly body: unknown };

export async function callApi(target: ApiTarget, call: ApiCall, signal?: AbortSignal): Promise<ApiAnswer> {
  const url = new URL(call.path, `${target.url}/`);
  for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: call.accept ?? 'application/json' };
  // The key goes to ClouDO only: never to another host an approval link might name.
  const ours = url.origin === new URL(target.url).origin;
  if (target.key && ours) headers['x-functions-key'] = target.key;
  if (target.token && ours) headers['authorization'] = `Bearer ${target.token}`;
  if (call.json !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method: call.method,
      headers,
      ...(call.json !== undefined ? { body: JSON.stringify(call.json) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, `cannot reach ClouDO at ${url.origin}: ${describeCause(err)}`);
  }
  const text = await res.text();
  const body = parseJson(text);
  if (res.ok) return { status: res.status, body };
  throw toApiError(res.status, body, text);
}

function toApiError(status: number, body: unknown, text: string): ApiError {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (error && typeof error['message'] === 'string') {
    const { message, field } = error;
    const details = Object.fromEntries(
      Object.entries(error).filter(([k]) => !['message', 'field', 'code'].includes(k)),
    );
    return new ApiError(status, message, typeof field === 'string' ? field : undefined, details);
  }
  const hint = status === 401 || status === 403 ? ' (is CLOUDO_KEY the function key of this app?)' : '';
  return new ApiError(status, `HTTP ${status}${hint}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** The key from `--key -` (stdin) or `--key @file`: a key typed on the command line would show in `ps`. */
export async function readKeySource(source: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if (source.startsWith('@')) return (await readFile(source.slice(1), 'utf8')).trim();
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}
