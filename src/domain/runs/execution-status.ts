// Execution statuses: the life of a run as states, and the transitions allowed between them.

export type ExecutionStatus =
  | 'pending_approval'
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'error'
  | 'skipped'
  | 'rejected'
  | 'expired'
  | 'throttled'
  | 'cancelled';
export type TerminalStatus = Extract<ExecutionStatus, 'succeeded' | 'failed' | 'timed_out' | 'error' | 'cancelled'>;
export type TriggerKind = 'manual' | 'azure-monitor' | 'alertmanager' | 'schedule';

export const TRIGGER_KINDS: readonly TriggerKind[] = ['manual', 'azure-monitor', 'alertmanager', 'schedule'];

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'pending_approval',
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'error',
  'skipped',
  'rejected',
  'expired',
  'throttled',
  'cancelled',
];

const TRANSITIONS: Readonly<Record<ExecutionStatus, readonly ExecutionStatus[]>> = {
  // A human decides, or the link runs out.
  pending_approval: ['queued', 'rejected', 'expired', 'cancelled'],
  // Skipped from the queue: a concurrency policy with on_busy "skip" found its slots taken.
  queued: ['running', 'error', 'cancelled', 'skipped'],
  // A running run is cancelled by its worker, once the process group is stopped.
  running: ['succeeded', 'failed', 'timed_out', 'error', 'cancelled'],
  succeeded: [],
  failed: [],
  timed_out: [],
  error: [],
  // Recorded, never run: an alert a mapping claimed but does not act on (run_on, disabled, approval), or a run its
  // concurrency policy skipped.
  skipped: [],
  rejected: [],
  expired: [],
  // Recorded, never run: the mapping's remediation budget was spent.
  throttled: [],
  // Someone stopped it: before it ran (queued, waiting for approval), or while it ran.
  cancelled: [],
};

/** Statuses an execution never leaves. */
export const FINAL_STATUSES: readonly ExecutionStatus[] = EXECUTION_STATUSES.filter((s) => TRANSITIONS[s].length === 0);

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
