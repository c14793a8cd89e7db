// Approval decisions: approving, rejecting or expiring a run that waits for a human, under the four-eyes rule.
import { AppError } from '../shared/errors';
import { withoutSealed, type Execution } from '../runs/execution';
import type { ApprovalAction, Decider } from './approval';

/** A decision on a pending run: approve queues it, reject ends it. Throws conflict when it is no longer pending. */
export function decide(e: Execution, action: ApprovalAction, decider: Decider, now: Date): Execution {
  const by = decider.name;
  if (e.status !== 'pending_approval' || !e.approval) throw alreadyDecided(e);
  // The timer may not have marked it yet: past its expiry a run is no longer the requester's to have.
  if (Date.parse(e.approval.expiresAt) <= now.getTime()) {
    throw new AppError('gone', `The approval of ${e.execId} expired at ${e.approval.expiresAt}.`, { field: 'exp' });
  }
  if (action === 'approve' && e.approval.fourEyes) checkFourEyes(e, decider);
  const approval = { ...e.approval, decidedBy: by, decidedAt: now.toISOString() };
  if (action === 'approve') return { ...e, status: 'queued', approval };
  return withoutSealed({
    ...e,
    status: 'rejected',
    approval,
    finishedAt: now.toISOString(),
    error: `rejected by ${by}`,
  });
}

/** The run nobody decided on in time. */
export function expire(e: Execution, now: Date): Execution {
  if (e.status !== 'pending_approval') throw alreadyDecided(e);
  return withoutSealed({
    ...e,
    status: 'expired',
    finishedAt: now.toISOString(),
    error: 'nobody approved it before the link expired',
  });
}

export const isExpired = (e: Pick<Execution, 'status' | 'approval'>, now: Date): boolean =>
  e.status === 'pending_approval' && !!e.approval && Date.parse(e.approval.expiresAt) <= now.getTime();

function alreadyDecided(e: Execution): AppError {
  const who = e.approval?.decidedBy ? ` by ${e.approval.decidedBy}` : '';
  return new AppError('conflict', `Execution ${e.execId} is no longer waiting for approval: it is ${e.status}${who}.`, {
    field: 'execId',
    status: e.status,
  });
}

// A typed name proves nothing, so it could never show that the approver is not the requester.
function checkFourEyes(e: Execution, decider: Decider): void {
  if (!decider.signedIn) {
    throw new AppError(
      'forbidden',
      'Four-eyes rule: approve signed in (App Service authentication), not by a typed name.',
      {
        field: 'name',
      },
    );
  }
  // A verified approver is compared by object id with the verified requester; names only when ids are not known.
  const requesterId = e.requester?.kind === 'person' ? e.requester.id : undefined;
  const same =
    decider.caller && requesterId ? decider.caller.id === requesterId : samePerson(decider.name, e.requestedBy);
  if (same) {
    throw new AppError('forbidden', `Four-eyes rule: ${decider.name} requested this run and may not approve it.`, {
      field: 'name',
    });
  }
}

function samePerson(a: string, b: string | undefined): boolean {
  return b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}
