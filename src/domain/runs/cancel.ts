// Cancelling a run: at once when it has not started, through its worker when it runs, refused once it is over.
import { AppError } from '../shared/errors';
import { FINAL_STATUSES } from './execution-status';
import { withoutSealed, type CancelRequest, type Execution } from './execution';

export type { CancelRequest };

export const MAX_CANCEL_REASON = 500;

/**
 * The record after a cancel request: `cancelled` when it never started; still `running` with the request on it for
 * its worker to act on (the worker may run on another instance: the record is how it hears). Throws conflict, naming
 * the status, once the run is over. A second request for a running run changes nothing.
 */
export function requestCancel(e: Execution, cancel: CancelRequest): Execution {
  if (FINAL_STATUSES.includes(e.status)) {
    throw new AppError('conflict', `Execution ${e.execId} is already ${e.status}; there is nothing to cancel.`, {
      field: 'execId',
      status: e.status,
    });
  }
  if (e.status === 'running') return e.cancel ? e : { ...e, cancel };
  return withoutSealed({
    ...e,
    status: 'cancelled',
    cancel,
    finishedAt: cancel.requestedAt,
    error: describeCancel(cancel),
    waiting: undefined,
  });
}

/** e.g. "cancelled by ada@contoso.com: wrong VM". */
export function describeCancel(c: CancelRequest): string {
  return `cancelled by ${c.requestedBy}${c.reason ? `: ${c.reason}` : ''}`;
}
