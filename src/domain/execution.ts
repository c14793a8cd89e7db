// Execution model: the record of one requested run, its statuses and the transitions allowed between them.
import type { AlertContext } from './alert';
import type { Mapping } from './mapping';

export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'error' | 'skipped';
export type TerminalStatus = Extract<ExecutionStatus, 'succeeded' | 'failed' | 'timed_out' | 'error'>;
export type TriggerKind = 'manual' | 'azure-monitor' | 'alertmanager';

export const TRIGGER_KINDS: readonly TriggerKind[] = ['manual', 'azure-monitor', 'alertmanager'];

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'error',
  'skipped',
];

const TRANSITIONS: Readonly<Record<ExecutionStatus, readonly ExecutionStatus[]>> = {
  queued: ['running', 'error'],
  running: ['succeeded', 'failed', 'timed_out', 'error'],
  succeeded: [],
  failed: [],
  timed_out: [],
  error: [],
  // Recorded, never run: an alert a mapping claimed but does not act on (run_on, disabled, approval).
  skipped: [],
};

export type Execution = {
  readonly execId: string;
  readonly status: ExecutionStatus;
  readonly partition: string;
  readonly mappingId: string;
  readonly mappingName: string;
  readonly runbook: string;
  readonly runArgs: string;
  readonly worker: string;
  readonly oncall: boolean;
  readonly timeoutSeconds: number;
  readonly mappingEnv: Readonly<Record<string, string>>;
  readonly trigger: TriggerKind;
  /** For alert-triggered runs: the parsed alert, and the key that makes a redelivered alert the same execution. */
  readonly alert?: AlertContext;
  readonly idempotencyKey?: string;
  /** ISO-8601 UTC instants. */
  readonly requestedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly output?: string;
  readonly outputBytes?: number;
  readonly outputTruncated?: boolean;
  /** Why the run could not happen or complete, for status `error` (and context for others). */
  readonly error?: string;
};

export type RunResult = Pick<
  Execution,
  'exitCode' | 'signal' | 'durationMs' | 'output' | 'outputBytes' | 'outputTruncated' | 'error'
> & { readonly status: TerminalStatus };

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function newExecution(args: {
  execId: string;
  mapping: Mapping;
  trigger: TriggerKind;
  now: Date;
  defaultTimeoutSeconds: number;
  alert?: { context: AlertContext; idempotencyKey: string };
  /** A skipped execution is recorded with its reason and never queued. */
  skippedBecause?: string;
}): Execution {
  const { mapping: m } = args;
  return {
    execId: args.execId,
    status: args.skippedBecause ? 'skipped' : 'queued',
    ...(args.skippedBecause ? { error: args.skippedBecause, finishedAt: args.now.toISOString() } : {}),
    ...(args.alert ? { alert: args.alert.context, idempotencyKey: args.alert.idempotencyKey } : {}),
    partition: m.partition,
    mappingId: m.id,
    mappingName: m.name,
    runbook: m.runbook,
    runArgs: m.runArgs,
    worker: m.worker,
    oncall: m.oncall,
    timeoutSeconds: m.timeoutSeconds ?? args.defaultTimeoutSeconds,
    mappingEnv: m.env,
    trigger: args.trigger,
    requestedAt: args.now.toISOString(),
  };
}

export function startExecution(e: Execution, now: Date): Execution {
  assertTransition(e, 'running');
  return { ...e, status: 'running', startedAt: now.toISOString() };
}

export function finishExecution(e: Execution, result: RunResult, now: Date): Execution {
  assertTransition(e, result.status);
  return { ...e, ...result, finishedAt: now.toISOString() };
}

function assertTransition(e: Execution, to: ExecutionStatus): void {
  if (!canTransition(e.status, to)) {
    throw new Error(`execution ${e.execId}: cannot go from ${e.status} to ${to}`);
  }
}
