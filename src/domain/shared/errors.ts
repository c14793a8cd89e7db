// Application errors: a code the HTTP mapper turns into a status, a message for people, and the field at fault.

export type ErrorCode =
  | 'bad_request'
  /** No identity where one is needed (sign in first). */
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'unprocessable'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'storage_unavailable'
  | 'busy'
  /** Load shed: the request was refused before any work, and may be retried after `retryAfterSeconds`. */
  | 'overloaded'
  | 'internal';

export type ErrorDetails = {
  /** The input field at fault, e.g. "id" or "limit". */
  readonly field?: string;
  readonly [key: string]: unknown;
};

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const badRequest = (field: string, message: string): AppError => new AppError('bad_request', message, { field });

export const notFound = (message: string, details: ErrorDetails = {}): AppError =>
  new AppError('not_found', message, details);

export const conflict = (message: string, details: ErrorDetails = {}): AppError =>
  new AppError('conflict', message, details);

export const storageUnavailable = (cause: unknown): AppError =>
  new AppError('storage_unavailable', 'Storage is unavailable. Retry later.', {}, { cause });

const UNSURE = new WeakSet<AppError>();

/** A write that failed after storage may have taken it (its answer lost): only a read tells whether it landed. */
export function writeOutcomeUnknown(cause: unknown): AppError {
  const err = storageUnavailable(cause);
  UNSURE.add(err);
  return err;
}

export const isWriteOutcomeUnknown = (err: unknown): boolean => err instanceof AppError && UNSURE.has(err);

/** The record to create exists already: another request, or a lost answer to an earlier try, wrote it first. */
export const alreadyExists = (message: string): AppError => new AppError('conflict', message, { reason: 'exists' });

export const isAlreadyExists = (err: unknown): boolean =>
  err instanceof AppError && err.code === 'conflict' && err.details['reason'] === 'exists';
