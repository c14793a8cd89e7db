// Approval decisions: verify a signed link, then approve (queue the run) or reject it, exactly once.
import { replaceKeepingOutbox } from '../runs/replace-keeping-outbox';
import type { ApprovalAction, Decider } from '../../domain/approvals/approval';
import { decide } from '../../domain/approvals/approval-decision';
import { verifyApproval } from '../../domain/approvals/approval-link';
import { AppError, badRequest, notFound } from '../../domain/shared/errors';
import type { Execution } from '../../domain/runs/execution';
import { onDecision, withNotifications, type Channels } from '../../domain/oncall/notify-plan';
import { deliverOwed, type DeliverDeps } from '../oncall/deliver-notifications';
import type { RunQueue } from '../runs/ports';
import { sendOrLeave } from '../runs/submit-execution';
import type { RequestOrigin } from '../../domain/audit/audit-record';
import { mayActOn, type MappingAccess } from '../../domain/identity/mapping-access';
import { writeAudit, type AuditDeps } from '../audit/audit-trail';

export type ApprovalDeps = DeliverDeps & {
  /** Decisions are audited before they are written. */
  readonly audit: AuditDeps;
  readonly queue: RunQueue;
  readonly channels: (partition: string) => Channels;
  /** Unset: approvals are not configured, and no link verifies. */
  readonly secret: string | undefined;
  readonly deadlineMs: number;
  /** The mapping's access lists (by its current file): who may approve. */
  readonly accessOf?: (e: Execution) => Promise<MappingAccess>;
};

/** What arrived on the link: path parameters and query. */
export type LinkInput = {
  readonly execId: string;
  readonly action: string;
  readonly exp: string | null;
  readonly sig: string | null;
};

/** Verifies the link and reads the run, for the confirmation page; changes nothing. */
export async function viewApproval(deps: ApprovalDeps, link: LinkInput) {
  const { current, action } = await load(deps, link);
  return { execution: current.value, action };
}

/** Applies the decision; of concurrent decisions exactly one wins, the others get 409. */
export async function decideApproval(
  deps: ApprovalDeps,
  link: LinkInput,
  by: Decider,
  origin?: RequestOrigin,
): Promise<Execution> {
  const { current, action } = await load(deps, link);
  const e = current.value;
  // A signed-in approver is held to the mapping's approve list, as read when the run was requested.
  if (by.caller && deps.accessOf && !mayActOn(by.caller, await deps.accessOf(e), 'approve')) {
    throw new AppError('forbidden', `${by.caller.name} is not on the approve list of mapping "${e.mappingId}".`, {
      field: 'execId',
    });
  }
  const now = deps.clock.now();
  const decided = decide(e, action, by, now);
  await writeAudit(deps.audit, {
    actor: by.caller
      ? { id: by.caller.id, name: by.caller.name, kind: by.caller.kind }
      : { id: `name:${by.name}`, name: by.name, kind: 'person' },
    action: action === 'approve' ? 'run.approved' : 'run.rejected',
    execId: e.execId,
    mapping: `${e.partition}/${e.mappingId}`,
    outcome: decided.status,
    detail: { signedIn: by.signedIn, because: e.approval?.because ?? null },
    ...(origin ? { origin } : {}),
  });
  const next = withNotifications(decided, onDecision(decided, deps.channels(decided.partition), now));
  // The ETag makes the decision atomic: of concurrent decisions, exactly one write lands.
  const written = await replaceKeepingOutbox(deps.executions, next, current);
  if (!written) return lostRace(deps, link.execId, action, by);
  if (next.status === 'queued') await sendOrLeave(deps, written.value);
  deps.log.info(`${link.execId}: ${action === 'approve' ? 'approved' : 'rejected'} by ${by.name}`);
  await deliverOwed(deps, written, deps.deadlineMs);
  return written.value;
}

async function load(deps: ApprovalDeps, link: LinkInput) {
  const action = verify(deps, link);
  const current = await deps.executions.get(link.execId);
  if (!current) throw notFound(`No execution ${link.execId}.`, { field: 'execId' });
  return { current, action };
}

function verify(deps: ApprovalDeps, link: LinkInput): ApprovalAction {
  if (!deps.secret) throw new AppError('forbidden', 'Approvals are not configured: APPROVAL_SECRET is not set.');
  const checked = verifyApproval(deps.secret, link, deps.clock.now());
  if (checked.ok) return checked.action;
  if (checked.reason === 'malformed') throw badRequest(checked.field, checked.message);
  if (checked.reason === 'expired') throw new AppError('gone', checked.message, { field: checked.field });
  throw new AppError('forbidden', checked.message, { field: checked.field });
}

// Another decision landed between our read and our write: answer with what that one decided.
async function lostRace(deps: ApprovalDeps, execId: string, action: ApprovalAction, by: Decider): Promise<never> {
  const latest = await deps.executions.get(execId);
  if (!latest) throw notFound(`No execution ${execId}.`, { field: 'execId' });
  decide(latest.value, action, by, deps.clock.now());
  throw new AppError('conflict', `Execution ${execId} changed while deciding; retry.`, { field: 'execId' });
}
