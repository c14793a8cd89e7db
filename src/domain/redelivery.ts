// Re-delivery of queued runs whose message never reached a worker: when to send it again, and when to give up.
import type { Execution } from './execution';

/** Messages sent again for one run before it is given up as undeliverable. */
export const MAX_REQUEUES = 3;

export type RedeliveryStep =
  { readonly kind: 'wait' } | { readonly kind: 'requeue' } | { readonly kind: 'give_up'; readonly reason: string };

/** When the run's latest message was sent: a re-delivery, its approval, or its request. */
export function lastSentAt(e: Execution): string {
  return e.requeuedAt ?? e.approval?.decidedAt ?? e.requestedAt;
}

/**
 * What to do with a run still `queued`: each wait is twice the one before (requeueAfter, 2×, 4×…), so a pool whose
 * workers are merely busy is given time, and one that never takes the run is reported within minutes, not never.
 * `poisoned`: its message is known to be gone (in the poison queue), so there is nothing to wait for.
 */
export function nextRedeliveryStep(
  e: Execution,
  now: Date,
  requeueAfterSeconds: number,
  poisoned = false,
): RedeliveryStep {
  if (e.status !== 'queued') return { kind: 'wait' };
  const count = e.requeues ?? 0;
  const waitedMs = now.getTime() - Date.parse(lastSentAt(e));
  if (!poisoned && waitedMs < requeueAfterSeconds * 1000 * 2 ** count) return { kind: 'wait' };
  if (count < MAX_REQUEUES) return { kind: 'requeue' };
  const why = poisoned ? 'its message was poisoned' : 'no worker took it';
  return { kind: 'give_up', reason: `never reached a worker: ${why} after ${count} re-deliveries` };
}

/** The run with one more re-delivery counted, once its message is sent. */
export function countRequeue(e: Execution, now: Date): Execution {
  return { ...e, requeues: (e.requeues ?? 0) + 1, requeuedAt: now.toISOString() };
}
