// Notification outbox: what an execution owes on-call (pages, closes, chat messages) and how delivery went.

export type NotificationChannel = 'opsgenie' | 'chat';
export type NotificationAction = 'create' | 'close';
/** Why the notification exists. */
export type NotificationKind = 'failure' | 'throttled' | 'expired' | 'approval' | 'recovered' | 'decided';
/** pending: not tried yet; failing: tried, retried later; failed: given up (a permanent error, or too old). */
export type NotificationState = 'pending' | 'sent' | 'failing' | 'failed';

export const NOTIFICATION_STATES: readonly NotificationState[] = ['pending', 'sent', 'failing', 'failed'];
export const NOTIFICATION_CHANNELS: readonly NotificationChannel[] = ['opsgenie', 'chat'];
export const NOTIFICATION_ACTIONS: readonly NotificationAction[] = ['create', 'close'];
export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'failure',
  'throttled',
  'expired',
  'approval',
  'recovered',
  'decided',
];

export type Notification = {
  readonly channel: NotificationChannel;
  readonly action: NotificationAction;
  readonly kind: NotificationKind;
  /** Opsgenie alias: repeats update one alert, and a close finds it. Empty for chat. */
  readonly alias: string;
  readonly state: NotificationState;
  readonly attempts: number;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  readonly lastAttemptAt?: string;
  readonly nextAttemptAt?: string;
  readonly sentAt?: string;
  /** Opsgenie's requestId for the accepted request. */
  readonly requestId?: string;
  /** The last failure, with secrets removed. */
  readonly lastError?: string;
};

/** What one delivery attempt came to; adapters never throw for an answer they got or a network failure. */
export type DeliveryResult =
  | { readonly ok: true; readonly requestId?: string }
  | { readonly ok: false; readonly retryable: boolean; readonly error: string };

export function newNotification(
  channel: NotificationChannel,
  action: NotificationAction,
  kind: NotificationKind,
  alias: string,
  now: Date,
): Notification {
  return { channel, action, kind, alias, state: 'pending', attempts: 0, createdAt: now.toISOString() };
}

/** Still owed: to be tried (again) by the worker or the timer. */
export const isUndelivered = (n: Notification): boolean => n.state === 'pending' || n.state === 'failing';

// Backoff between timer retries: 1, 2, 4 … minutes, capped at 30; a day after creation ClouDO gives up.
const MAX_BACKOFF_MS = 30 * 60_000;
const GIVE_UP_AFTER_MS = 24 * 3600_000;

/** The notification after one attempt. */
export function recordAttempt(n: Notification, result: DeliveryResult, now: Date): Notification {
  const attempts = n.attempts + 1;
  const at = now.toISOString();
  if (result.ok) {
    return {
      ...without(n, 'nextAttemptAt', 'lastError'),
      state: 'sent',
      attempts,
      lastAttemptAt: at,
      sentAt: at,
      ...requestIdOf(result),
    };
  }
  const tooOld = now.getTime() - Date.parse(n.createdAt) >= GIVE_UP_AFTER_MS;
  if (!result.retryable || tooOld) {
    return { ...without(n, 'nextAttemptAt'), state: 'failed', attempts, lastAttemptAt: at, lastError: result.error };
  }
  const backoff = Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** Math.min(attempts - 1, 10));
  const next = new Date(now.getTime() + backoff).toISOString();
  return { ...n, state: 'failing', attempts, lastAttemptAt: at, nextAttemptAt: next, lastError: result.error };
}

// A fresh notification belongs to the request or worker that recorded it; the timer steps in only if that one died.
// It exceeds the longest a recorder can spend: a 30 s delivery deadline plus ~10 s of retried record writes.
const OWNER_GRACE_MS = 60_000;

/** Due for the timer: owed, and past its backoff (or, never tried, past the recorder's grace period). */
export function isDue(n: Notification, now: Date): boolean {
  if (!isUndelivered(n)) return false;
  const after = n.nextAttemptAt ? Date.parse(n.nextAttemptAt) : Date.parse(n.createdAt) + OWNER_GRACE_MS;
  return after <= now.getTime();
}

function without(n: Notification, ...keys: (keyof Notification)[]): Notification {
  return Object.fromEntries(Object.entries(n).filter(([k]) => !keys.includes(k as keyof Notification))) as Notification;
}

const requestIdOf = (r: { requestId?: string }) => (r.requestId ? { requestId: r.requestId } : {});
