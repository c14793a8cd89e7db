// On-call timer: marks approvals nobody decided as expired, and retries notifications still owed.
import { replaceKeepingOutbox } from '../runs/replace-keeping-outbox';
import { writeAudit, type AuditDeps } from '../audit/audit-trail';
import { expire, isExpired } from '../../domain/approvals/approval-decision';
import type { ListedExecution } from '../../domain/runs/execution';
import { isDue } from '../../domain/oncall/notification';
import { onDecision, withNotifications, type Channels } from '../../domain/oncall/notify-plan';
import { deliverOwed, type DeliverDeps } from './deliver-notifications';
import type { ExecutionQuery } from '../runs/ports';

export type TimerDeps = DeliverDeps & {
  readonly channels: (partition: string) => Channels;
  readonly approvalTtlMinutes: number;
  /** Expiries are audited before they are written. */
  readonly audit: AuditDeps;
};

const PAGE = 100;
const MAX_PAGES = 5;

/** Returns how many runs expired. */
export async function expireApprovals(deps: TimerDeps): Promise<number> {
  let expired = 0;
  // Only runs requested a whole lifetime ago can have expired: newer ones never crowd them out of the pages read.
  const until = new Date(deps.clock.now().getTime() - deps.approvalTtlMinutes * 60_000);
  await eachListed(deps, { status: 'pending_approval', until }, async (e) => {
    const now = deps.clock.now();
    if (!isExpired(e, now)) return;
    const current = await deps.executions.get(e.execId);
    if (!current || !isExpired(current.value, now)) return;
    const ended = expire(current.value, now);
    const next = withNotifications(ended, onDecision(ended, deps.channels(ended.partition), now));
    await writeAudit(deps.audit, {
      actor: { id: 'approval-expiry', name: 'approval expiry', kind: 'system' },
      action: 'run.expired',
      execId: e.execId,
      mapping: `${e.partition}/${e.mappingId}`,
      outcome: 'expired',
      detail: { expiresAt: current.value.approval?.expiresAt ?? null },
    });
    // Conditional: a decision that lands first wins, and this run is left alone.
    const written = await replaceKeepingOutbox(deps.executions, next, current);
    if (!written) return;
    expired++;
    deps.log.warn(`${e.execId}: approval expired (${e.partition}/${e.mappingId})`);
    await deliverOwed(deps, written, 0);
  });
  return expired;
}

/** One attempt for each notification whose backoff has passed; returns how many executions were tried. */
export async function retryNotifications(deps: TimerDeps): Promise<number> {
  let tried = 0;
  await eachListed(deps, { owesNotification: true }, async (e) => {
    const now = deps.clock.now();
    if (!(e.notifications ?? []).some((n) => isDue(n, now))) return;
    const current = await deps.executions.get(e.execId);
    if (!current) return;
    tried++;
    await deliverOwed(deps, current, 0, (n) => isDue(n, now));
  });
  return tried;
}

async function eachListed(
  deps: TimerDeps,
  query: Omit<ExecutionQuery, 'limit'>,
  fn: (e: ListedExecution) => Promise<void>,
): Promise<void> {
  let afterExecId: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await deps.executions.list({ ...query, limit: PAGE, ...(afterExecId ? { afterExecId } : {}) });
    for (const e of result.items) await fn(e);
    afterExecId = result.lastExecId;
    if (!afterExecId) return;
  }
}
