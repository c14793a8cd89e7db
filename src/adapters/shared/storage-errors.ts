// Storage error translation: outages become storage_unavailable; conflicts and misses are told apart.
import { AppError, storageUnavailable } from '../../domain/shared/errors';

type MaybeRestError = { statusCode?: unknown; code?: unknown; name?: unknown };

function statusOf(err: unknown): number | undefined {
  const status = (err as MaybeRestError | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export const isNotFound = (err: unknown): boolean => statusOf(err) === 404;
export const isConflict = (err: unknown): boolean => statusOf(err) === 409;
export const isPreconditionFailed = (err: unknown): boolean => statusOf(err) === 412;

/** The result of a read, or null when the entity does not exist; every other failure is thrown. */
export async function allowMissing<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** For deletes and probes where "already gone" is as good as done. */
export function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}

/**
 * Runs a storage call; a transport failure, throttling, a refusal (401/403) or a 5xx becomes storage_unavailable
 * (a 503).
 */
export async function callStorage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateStorageError(err);
  }
}

export function translateStorageError(err: unknown): unknown {
  if (err instanceof AppError || !isSdkError(err)) return err;
  const status = statusOf(err);
  if (status === undefined || RETRIABLE.has(status) || status >= 500) return storageUnavailable(err);
  return err;
}

/** Whether storage failed (down, refusing, timing out), as opposed to answering no to this request. */
export function isStorageOutage(err: unknown): boolean {
  const translated = translateStorageError(err);
  return translated instanceof AppError && translated.code === 'storage_unavailable';
}

// 401/403: storage refuses ClouDO (a role removed, a SAS expired, a key rotated, a firewall rule). To a sender that
// is storage failing, fixed on the storage side: a retriable 503, as for an outage, with the cause in the log.
const RETRIABLE = new Set([401, 403, 408, 429]);

// Only the SDK's own failures are outages; a bug in our code must surface as itself, not as a 503.
function isSdkError(err: unknown): boolean {
  const name = (err as MaybeRestError | null)?.name;
  return name === 'RestError' || name === 'AbortError' || name === 'StorageError';
}
