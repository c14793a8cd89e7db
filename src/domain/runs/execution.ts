// Execution model: the record of one requested run, how admission creates it, and how it starts and finishes.
import { canTransition, type ExecutionStatus, type TerminalStatus, type TriggerKind } from './execution-status';
import type { AksCluster } from '../worker/aks-target';
import type { AlertContext } from '../alerts/alert';
import { summarizeAlert, type AlertSummary } from '../alerts/alert-summary';
import type { Approval } from '../approvals/approval';
import type { BudgetReport } from '../budgets/budget';
import type { RunConcurrency } from '../concurrency/concurrency';
import type { AuditActor } from '../audit/audit-record';
import type { Mapping } from '../mappings/mapping';
import type { Notification } from '../oncall/notification';
import type { PagingOptions } from '../oncall/paging';
import { computeLeaseEnd } from './run-lease';

/** Who asked to stop a run, why, and when. */
export type CancelRequest = {
  readonly requestedBy: string;
  readonly reason: string | null;
  readonly requestedAt: string;
};

/** A run's parameters on its record: plain values, the names of secret ones, and those sealed until the run ends. */
export type ExecutionParams = {
  readonly values: Readonly<Record<string, string>>;
  readonly secretNames: readonly string[];
  /** The secret values, encrypted for the worker (see sealed-params); dropped once the run is over. */
  readonly sealed?: string;
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
  readonly error?: string | undefined;
  /** Who asked: the App Service principal for manual runs, "alert:<source>" for alerts. */
  readonly requestedBy?: string;
  /** Set for runs that waited (or wait) for a human decision. */
  readonly approval?: Approval;
  /** For throttled runs, and runs sent for approval because the budget was spent: the budget and who spent it. */
  readonly budget?: BudgetReport;
  /** The mapping's Opsgenie options, copied when the run was requested. */
  readonly paging?: PagingOptions;
  /** The outbox: pages, closes and chat messages this execution owes, and how their delivery went. */
  readonly notifications?: readonly Notification[] | undefined;
  /** The mapping's AKS login, copied when the run was requested; the cluster may also come from the alert. */
  readonly aksLogin?: boolean;
  readonly aksCluster?: AksCluster;
  /** While running: until when the run counts as alive without word from its worker (see domain/run-lease). */
  readonly leaseUntil?: string | undefined;
  /** How often the Sweeper sent the run's message again because no worker had taken it, and when it last did. */
  readonly requeues?: number;
  readonly requeuedAt?: string;
  /** Set once someone asked to stop the run (see cancel.ts). */
  readonly cancel?: CancelRequest | undefined;
  /** Scheduled runs: the slot they run for (ISO-8601 UTC). */
  readonly scheduledFor?: string;
  /** Set for runs of mappings that declare parameters. */
  readonly params?: ExecutionParams | undefined;
  /** The mapping's concurrency policy, copied when the run was requested, with the key its slots count under. */
  readonly concurrency?: RunConcurrency;
  /** A queued run waiting for a concurrency slot: why, and since when; gone once it starts or ends. */
  readonly waiting?: WaitingReason | undefined;
  /** Who asked, as verified (a signed-in person's object id, a key holder, an alert source, the schedule). */
  readonly requester?: AuditActor;
  /** What exactly ran: the runbook file's SHA-256 when the worker started it, and the app's version. */
  readonly runbookSha256?: string;
  readonly appVersion?: string;
};

/**
 * An execution as a listing returns it: no output, no mapping environment, and of its alert only the summary, so
 * that the index rows copying it stay small (ADR 0015). Read the record for the rest.
 */
export type ListedExecution = Omit<Execution, 'alert' | 'output' | 'mappingEnv'> & { readonly alert?: AlertSummary };

/** An execution as a listing returns it. */
export function listedOf(e: Execution): ListedExecution {
  // Left out, not set to undefined: a listed execution has no such key at all, as when read from storage.
  const listed: Omit<ListedExecution, 'alert'> & { output?: string; mappingEnv?: unknown; alert?: AlertContext } = {
    ...e,
  };
  delete listed.output;
  delete listed.mappingEnv;
  delete listed.alert;
  return e.alert ? { ...listed, alert: summarizeAlert(e.alert) } : listed;
}

export type WaitingReason = { readonly reason: string; readonly since: string };

export type RunResult = Pick<
  Execution,
  | 'exitCode'
  | 'signal'
  | 'durationMs'
  | 'output'
  | 'outputBytes'
  | 'outputTruncated'
  | 'error'
  | 'runbookSha256'
  | 'appVersion'
> & { readonly status: TerminalStatus };

/** How a requested run enters the record: run it, wait for a human, or record why it does not run. */
export type Admission =
  | { readonly status: 'queued' }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'throttled'; readonly reason: string; readonly budget: BudgetReport }
  | { readonly status: 'pending_approval'; readonly approval: Approval; readonly budget?: BudgetReport };

export function newExecution(args: {
  execId: string;
  mapping: Mapping;
  trigger: TriggerKind;
  now: Date;
  defaultTimeoutSeconds: number;
  alert?: { context: AlertContext; idempotencyKey: string };
  /** Default: queued. Skipped and throttled executions are recorded with their reason and never queued. */
  admission?: Admission;
  requestedBy?: string;
  params?: ExecutionParams;
  scheduledFor?: string;
  concurrency?: RunConcurrency;
  requester?: AuditActor;
}): Execution {
  const { mapping: m } = args;
  const admission = args.admission ?? { status: 'queued' };
  return {
    execId: args.execId,
    status: admission.status,
    ...admissionFields(admission, args.now),
    ...(args.alert ? { alert: args.alert.context, idempotencyKey: args.alert.idempotencyKey } : {}),
    ...(args.requestedBy ? { requestedBy: args.requestedBy } : {}),
    ...(args.params ? { params: sealedFor(admission.status, args.params) } : {}),
    ...(args.scheduledFor ? { scheduledFor: args.scheduledFor } : {}),
    ...(args.concurrency ? { concurrency: args.concurrency } : {}),
    ...(args.requester ? { requester: args.requester } : {}),
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
    paging: m.paging,
    // Only when set: executions of mappings without AKS login look exactly as they did before.
    ...(m.aksLogin ? { aksLogin: true } : {}),
    ...(m.aksCluster ? { aksCluster: m.aksCluster } : {}),
  };
}

// A run that will never run (skipped, throttled) keeps no sealed secret.
function sealedFor(status: ExecutionStatus, params: ExecutionParams): ExecutionParams {
  return status === 'queued' || status === 'pending_approval' ? params : unsealed(params);
}

/** The parameters without their sealed secrets: for every run that is over, or will never run. */
export function unsealed(params: ExecutionParams): ExecutionParams {
  return { values: params.values, secretNames: params.secretNames };
}

/** Any final record: secret parameter values are gone from storage once nothing will run. */
export function withoutSealed(e: Execution): Execution {
  return e.params?.sealed === undefined ? e : { ...e, params: unsealed(e.params) };
}

function admissionFields(a: Admission, now: Date): Partial<Execution> {
  switch (a.status) {
    case 'queued':
      return {};
    case 'skipped':
      return { error: a.reason, finishedAt: now.toISOString() };
    case 'throttled':
      return { error: a.reason, finishedAt: now.toISOString(), budget: a.budget };
    case 'pending_approval':
      return { approval: a.approval, ...(a.budget ? { budget: a.budget } : {}) };
  }
}

export function startExecution(e: Execution, now: Date): Execution {
  assertTransition(e, 'running');
  return {
    ...e,
    status: 'running',
    startedAt: now.toISOString(),
    leaseUntil: computeLeaseEnd(now),
    waiting: undefined,
  };
}

/** A queued run that waits for a concurrency slot, with the reason shown in `/api/logs`. */
export function markWaiting(e: Execution, reason: string, now: Date): Execution {
  if (e.status !== 'queued') throw new Error(`execution ${e.execId}: only a queued run waits, not ${e.status}`);
  return { ...e, waiting: { reason, since: e.waiting?.since ?? now.toISOString() } };
}

/** A queued run that will not run after all (its concurrency policy skips it while others run). */
export function skipQueued(e: Execution, reason: string, now: Date): Execution {
  assertTransition(e, 'skipped');
  return withoutSealed({ ...e, status: 'skipped', error: reason, finishedAt: now.toISOString(), waiting: undefined });
}

export function finishExecution(e: Execution, result: RunResult, now: Date): Execution {
  assertTransition(e, result.status);
  return withoutSealed({ ...e, ...result, finishedAt: now.toISOString(), leaseUntil: undefined, waiting: undefined });
}

/** A run that ends without having run (or without a result): `error`, with the reason. */
export function endUnrun(e: Execution, reason: string, now: Date): Execution {
  return finishExecution(e, { status: 'error', error: reason, exitCode: null, signal: null }, now);
}

function assertTransition(e: Execution, to: ExecutionStatus): void {
  if (!canTransition(e.status, to)) {
    throw new Error(`execution ${e.execId}: cannot go from ${e.status} to ${to}`);
  }
}
