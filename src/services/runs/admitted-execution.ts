// A new execution as admission shapes it: queued, waiting for approval or throttled, with the notifications it owes.
import { newExecution, type Execution } from '../../domain/runs/execution';
import { runConcurrency } from '../../domain/concurrency/concurrency';
import { onRecord, withNotifications, type Channels } from '../../domain/oncall/notify-plan';
import { admitRun, type AdmitDeps } from './admit-run';
import { deliverOwed, type DeliverDeps } from '../oncall/deliver-notifications';
import type { LinkBuilder } from '../oncall/ports';
import type { Clock, Logger, Versioned } from '../shared/ports';
import type { ExecutionStore, RunQueue } from './ports';
import type { ClaimTiming } from './record-once';
import type { AuditDeps } from '../audit/audit-trail';

/** What requests need of paging, approvals and budgets; `deliver` is built per invocation, for its logger. */
export type OncallDeps = {
  readonly admit: AdmitDeps;
  readonly channels: (partition: string) => Channels;
  readonly deliver: (log: Logger) => DeliverDeps;
  readonly links: LinkBuilder;
  /** How long a request or worker may spend delivering notifications before the timer takes over. */
  readonly deadlineMs: number;
};

type NewExecutionArgs = Omit<Parameters<typeof newExecution>[0], 'admission'>;

/** What every path that records a new run needs, whatever asked for it (a person, an alert). */
export type RecordingDeps = {
  readonly executions: ExecutionStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultTimeoutSeconds: number;
  readonly oncall: OncallDeps;
  /** The claims' lease and wait; tests shorten them. */
  readonly claimTiming?: ClaimTiming;
  /** Seals secret run parameters for the worker (APPROVAL_SECRET); without it, secret parameters are refused. */
  readonly sealKey?: string | undefined;
  /** Every requested run is audited before it is recorded. */
  readonly audit: AuditDeps;
};

export type AdmittedExecution = { readonly execution: Execution; readonly release: () => Promise<void> };

export async function admitExecution(
  deps: OncallDeps,
  args: NewExecutionArgs,
  resourceId: string | null,
): Promise<AdmittedExecution> {
  const { admission, release } = await admitRun(deps.admit, args.mapping, {
    execId: args.execId,
    now: args.now,
    resourceId,
  });
  const m = args.mapping;
  const concurrency = m.concurrency ? runConcurrency(m.partition, m.id, m.concurrency, resourceId) : undefined;
  const e = newExecution({ ...args, admission, ...(concurrency ? { concurrency } : {}) });
  return {
    execution: withNotifications(e, onRecord(e, deps.channels(e.partition), args.now)),
    release: release ?? (() => Promise.resolve()),
  };
}

/** Delivers what a freshly recorded execution owes, within the deadline; never throws. */
export async function deliverRecorded(deps: OncallDeps, written: Versioned<Execution>, log: Logger): Promise<void> {
  if ((written.value.notifications ?? []).length === 0) return;
  // The run is recorded: a caller told "failed" now would retry it, and a manual request has no idempotency key.
  // What is still owed is in the outbox, for the Notifier timer.
  await deliverOwed(deps.deliver(log), written, deps.deadlineMs).catch((err: unknown) =>
    log.warn(`delivery of ${written.value.execId}'s notifications failed; left to the Notifier: ${String(err)}`),
  );
}
