// Notification plan: which pages, closes and chat messages an execution owes at each step of its life.
import type { Execution } from '../runs/execution';
import type { ExecutionStatus } from '../runs/execution-status';
import { newNotification, type Notification, type NotificationKind } from './notification';
import { toApprovalAlias, pageAlias } from './page-alert';

export type Channels = { readonly opsgenie: boolean; readonly chat: boolean };

const FAILURES: readonly ExecutionStatus[] = ['failed', 'timed_out', 'error'];

/** Owed when the execution is first recorded: a request for approval, or the page for a spent budget. */
export function onRecord(e: Execution, channels: Channels, now: Date): Notification[] {
  if (e.status === 'pending_approval') return announce(channels, 'approval', toApprovalAlias(e.execId), now);
  if (e.status === 'throttled' && e.oncall) return announce(channels, 'throttled', pageAlias(e), now);
  return [];
}

/**
 * Owed when the run ends: an on-call page for a failure, or the close of the open page once a run succeeds.
 * A failure never closes anything, whatever the alert's condition (a Resolved alert whose remediation failed).
 */
export function onFinish(e: Execution, channels: Channels, pageOpen: boolean, now: Date): Notification[] {
  if (!e.oncall) return [];
  if (FAILURES.includes(e.status)) return announce(channels, 'failure', pageAlias(e), now);
  if (e.status === 'succeeded' && pageOpen && channels.opsgenie)
    return [newNotification('opsgenie', 'close', 'recovered', pageAlias(e), now)];
  return [];
}

/** Owed once a human decided or the link expired: the approval request is closed; an expiry pages on-call. */
export function onDecision(e: Execution, channels: Channels, now: Date): Notification[] {
  const out = channels.opsgenie
    ? [newNotification('opsgenie', 'close', 'decided', toApprovalAlias(e.execId), now)]
    : [];
  if (e.status === 'expired' && e.oncall) out.push(...announce(channels, 'expired', pageAlias(e), now));
  return out;
}

/** Whether a success of this execution should look for an open page to close. */
export const mayClosePage = (e: Execution, channels: Channels): boolean =>
  e.oncall && e.status === 'succeeded' && channels.opsgenie;

export function withNotifications(e: Execution, added: readonly Notification[]): Execution {
  return added.length === 0 ? e : { ...e, notifications: [...(e.notifications ?? []), ...added] };
}

function announce(channels: Channels, kind: NotificationKind, alias: string, now: Date): Notification[] {
  return [
    ...(channels.opsgenie ? [newNotification('opsgenie', 'create', kind, alias, now)] : []),
    ...(channels.chat ? [newNotification('chat', 'create', kind, '', now)] : []),
  ];
}

/** True when `latest` differs from `base` only in its outbox: a delivery wrote in between, nothing else. */
export function hasOnlyOutboxChanged(base: Execution, latest: Execution): boolean {
  return canonical({ ...base, notifications: null }) === canonical({ ...latest, notifications: null });
}

// Records read back list their fields in storage order, records built in memory in the order they were spread:
// only the content may count.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** `next` was computed from `base`: the same change applied to `latest`, keeping the delivery states it holds. */
export function rebase(next: Execution, base: Execution, latest: Execution): Execution {
  const added = (next.notifications ?? []).slice((base.notifications ?? []).length);
  return { ...next, notifications: [...(latest.notifications ?? []), ...added] };
}
