// The console's one door to ClouDO: same-origin JSON calls to the public API, and its errors as values to show.

/** A refused or failed call, with what the API said (its message and the field it names). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const SIGN_IN_AGAIN = 'Your sign-in has expired or is missing: reload the page to sign in.';

type ErrorBody = { error?: { message?: string; field?: string }; message?: string; field?: string };

/** GET a JSON answer from `/api/<path>`. */
export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return call<T>('GET', path, undefined, signal);
}

/** POST a JSON body; state changes always send JSON, which a cross-site form cannot. */
export function postJson<T>(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<T> {
  return call<T>('POST', path, body, undefined, headers);
}

async function call<T>(
  method: string,
  path: string,
  body: unknown,
  signal?: AbortSignal,
  headers: Record<string, string> = {},
): Promise<T> {
  const json = body === undefined ? {} : { 'Content-Type': 'application/json' };
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    // An expired sign-in answers the API with a redirect to the sign-in page, which a script cannot follow: it is
    // reported instead (below), and the person reloads to sign in again.
    redirect: 'manual',
    headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest', ...json, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  };
  let response: Response;
  try {
    response = await fetch(apiUrl(path), init);
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'ClouDO did not answer: check the network, or that it is running.');
  }
  if (response.type === 'opaqueredirect') throw new ApiError(401, SIGN_IN_AGAIN);
  const text = await response.text();
  const parsed = parseJson(text);
  // A proxy's or the platform's own page (HTML) in place of ClouDO's answer: said, not rendered as if it were data.
  if (response.ok && parsed === NOT_JSON) {
    throw new ApiError(
      response.status,
      `ClouDO's address answered with something other than JSON (${response.status}).`,
    );
  }
  if (response.ok) return parsed as T;
  throw toApiError(response, parsed);
}

/** `/api/...` for a path given with or without the prefix (links in answers carry it), or for an absolute link. */
export function apiUrl(path: string): string {
  // Signed links are absolute (they go out in pages and mail): the console follows them on its own origin only.
  if (/^https?:\/\//i.test(path)) {
    const url = new URL(path);
    return `${url.pathname}${url.search}`;
  }
  return path.startsWith('/api/') ? path : `/api/${path.replace(/^\/+/, '')}`;
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  const b = (body !== null && typeof body === 'object' ? body : {}) as ErrorBody;
  const message = b.error?.message ?? b.message ?? `${response.status} ${response.statusText}`;
  const field = b.error?.field ?? b.field;
  if (response.status === 401) return new ApiError(401, `${SIGN_IN_AGAIN} ${message}`, field);
  if (response.status === 429 || response.status === 503) {
    const after = response.headers.get('Retry-After');
    return new ApiError(response.status, after ? `${message} Try again in ${after} s.` : message, field);
  }
  return new ApiError(response.status, message, field);
}

/** A query string from the values that are set. */
export function query(values: Readonly<Record<string, string | number | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
