// Re-delivery of queued runs whose message never reached a worker: when to send it again, and when to give up.
import type { Execution, ListedExecution } from './execution';

/** Messages sent again for one run before it is given up as undeliverable. */
export const MAX_REQUEUES = 3;

export type RedeliveryStep =
  { readonly kind: 'wait' } | { readonly kind: 'requeue' } | { readonly kind: 'give_up'; readonly reason: string };

/** When the run's latest message was sent: a re-delivery, its approval, or its request. */
export function readLastSentAt(e: ListedExecution): string {
  return e.requeuedAt ?? e.approval?.decidedAt ?? e.requestedAt;
}

/** The longest a run waits for a worker while its pool's queue still holds messages (a backlog, not a loss). */
export const MAX_QUEUED_HOURS = 24;

/** What the Sweeper knows of the run's message: poisoned (it is gone), or waiting behind others in its queue. */
export type QueueSight = { readonly poisoned?: boolean; readonly backlog?: boolean };

/**
 * What to do with a run still `queued`: each wait is twice the one before (requeueAfter, 2×, 4×…), then it is given
 * up, unless its pool's queue still holds messages: a backlog, which may take hours, is waited out up to a day.
 * `poisoned`: its message is known to be gone, so there is nothing to wait for.
 */
export function nextRedeliveryStep(
  e: ListedExecution,
  now: Date,
  requeueAfterSeconds: number,
  sight: QueueSight = {},
): RedeliveryStep {
  if (e.status !== 'queued') return { kind: 'wait' };
  // In line for a concurrency slot: its message is sent when a slot is handed to it. The Sweeper only sends it again
  // now and then, uncounted, in case that message was lost; a line may be long, so the run is never given up.
  if (e.waiting) return waitedSince(e, now) >= requeueAfterSeconds * 1000 ? { kind: 'requeue' } : { kind: 'wait' };
  const count = e.requeues ?? 0;
  const waitedMs = waitedSince(e, now);
  if (!sight.poisoned && waitedMs < requeueAfterSeconds * 1000 * 2 ** count) return { kind: 'wait' };
  if (count < MAX_REQUEUES) return { kind: 'requeue' };
  if (sight.poisoned) return giveUp(`its message was poisoned after ${count} re-deliveries`);
  const queuedMs = now.getTime() - Date.parse(e.approval?.decidedAt ?? e.requestedAt);
  if (queuedMs >= MAX_QUEUED_HOURS * 3600_000) return giveUp(`no worker took it within ${MAX_QUEUED_HOURS} h`);
  if (sight.backlog) return { kind: 'wait' };
  return giveUp(`no worker took it after ${count} re-deliveries`);
}

const waitedSince = (e: ListedExecution, now: Date): number => now.getTime() - Date.parse(readLastSentAt(e));

const giveUp = (why: string): RedeliveryStep => ({ kind: 'give_up', reason: `never reached a worker: ${why}` });

/** The run with one more re-delivery counted, once its message is sent (a run in line only notes when). */
export function countRequeue(e: Execution, now: Date): Execution {
  return { ...e, requeues: (e.requeues ?? 0) + (e.waiting ? 0 : 1), requeuedAt: now.toISOString() };
}
