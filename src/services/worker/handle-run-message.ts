// Worker use case: validate a run message, claim its execution exactly once, run it, and record the result.
import { replaceKeepingOutbox } from '../runs/replace-keeping-outbox';
import { finishExecution, startExecution, type Execution } from '../../domain/runs/execution';
import { runMessageSchema } from '../../domain/runs/run-message';
import { deliverRecorded } from '../runs/admitted-execution';
import { executeRunbook, type RunnerSettings } from './execute-runbook';
import { keepRunLease } from './keep-run-lease';
import { describeCancel, type CancelRequest } from '../../domain/runs/cancel';
import type { AlertRecordStore } from '../alerts/ports';
import type { OutputLog, RunQueue } from '../runs/ports';
import { createLiveOutput } from './live-output';
import type { Versioned } from '../shared/ports';
import { recordFinish, type FinishDeps } from './record-finish';
import { acquireRunSlot, releaseIfOver, releaseRunSlot, type SlotDeps } from '../concurrency/run-slots';
import { holdBack } from './hold-back';
import type { RunnerPorts } from './ports';

export type WorkerDeps = FinishDeps & {
  readonly alerts: AlertRecordStore;
  readonly queue: RunQueue;
  readonly runner: RunnerPorts;
  readonly settings: RunnerSettings;
  /** Where output goes while the run goes on; without it, output is recorded when the run ends. */
  readonly output?: OutputLog;
  /** Between renewals of a running run's lease; tests shorten it. */
  readonly leaseRenewMs?: number;
};

export type DeliveredMessage = { readonly queueName: string; readonly messageId: string; readonly body: unknown };

/** `waiting`: in line for a concurrency slot, woken by a later message; `skipped`: its concurrency policy skipped it. */
export type HandleOutcome = 'ran' | 'duplicate' | 'rejected' | 'waiting' | 'skipped';

export async function handleRunMessage(deps: WorkerDeps, msg: DeliveredMessage): Promise<HandleOutcome> {
  const parsed = runMessageSchema.safeParse(msg.body);
  if (!parsed.success) return reject(deps, msg, `not a run message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const found = await deps.executions.get(parsed.data.execId);
  if (!found) return reject(deps, msg, `no execution ${parsed.data.execId}`);
  if (found.value.status !== 'queued') {
    deps.log.info(`skip ${found.value.execId}: already ${found.value.status} (duplicate delivery)`);
    // A run cancelled while in line may still have been handed a slot: it is given back.
    await releaseIfOver(slotDeps(deps), found.value);
    return 'duplicate';
  }
  // Read before claiming: a storage failure here leaves the message to be retried, not a claimed run stuck running.
  const alertJson = found.value.alert === undefined ? null : await deps.alerts.getPayload(found.value.execId);
  const slot = await acquireRunSlot(slotDeps(deps), found.value);
  if (slot.kind !== 'go') return holdBack(slotDeps(deps), found, slot);
  const claimed = await claimRun(deps, found);
  if (!claimed) {
    deps.log.info(`skip ${found.value.execId}: claimed by another delivery`);
    // The slot stays with the delivery that runs it, unless the run ended meanwhile (cancelled while in line).
    const latest = found.value.concurrency ? await deps.executions.get(found.value.execId) : null;
    if (latest) await releaseIfOver(slotDeps(deps), latest.value);
    return 'duplicate';
  }
  deps.log.info(`start ${describe(claimed.value)}`);
  // The run's directory is removed while its result is recorded: nothing in it is part of the result, and the
  // handler still waits for it, so no run's leftovers outlive its message.
  const cleanups: Promise<void>[] = [];
  try {
    const { result, running } = await runUnderLease(deps, claimed, alertJson, (c) => cleanups.push(c));
    const finished = finishExecution(running.value, result, deps.clock.now());
    deps.log.info(`end ${describe(finished)}: ${finished.status}${exitText(finished)}`);
    const written = await recordFinish(deps, result, running);
    // Given back as soon as the result is recorded, so the next run in line starts while pages go out.
    await releaseRunSlot(slotDeps(deps), finished);
    if (written) await deliverRecorded(deps.oncall, written, deps.log);
  } finally {
    await Promise.all(cleanups);
  }
  return 'ran';
}

const slotDeps = (deps: WorkerDeps): SlotDeps => ({ ...deps, slots: deps.oncall.admit.slots });

// The lease is renewed while the runbook runs, and the version of the record it last wrote is the one to finish.
// A cancel request heard through the record aborts the run; the result then says who cancelled it and why.
async function runUnderLease(
  deps: WorkerDeps,
  claimed: Versioned<Execution>,
  alertJson: string | null,
  deferCleanup: (removed: Promise<void>) => void,
) {
  const abort = new AbortController();
  let cancel: CancelRequest | null = null;
  const lease = keepRunLease(deps, claimed, (c) => {
    cancel = c;
    deps.log.info(`${claimed.value.execId}: ${describeCancel(c)}; stopping its process group`);
    abort.abort();
  });
  const e = claimed.value;
  const output = deps.output;
  const openLive = output
    ? (secrets: readonly { name: string; value: string }[]) =>
        createLiveOutput(output, e.execId, { maxBytes: deps.settings.maxOutputBytes, secrets }, deps.log)
    : undefined;
  const options = { alertJson, signal: abort.signal, deferCleanup, ...(openLive ? { openLive } : {}) };
  const result = await executeRunbook(deps.runner, deps.settings, e, options).catch(async (err) => {
    await lease.stop();
    throw err;
  });
  const running = await lease.stop();
  const by: CancelRequest | null = cancel ?? running.value.cancel ?? null;
  return { result: result.status === 'cancelled' && by ? { ...result, error: describeCancel(by) } : result, running };
}

/**
 * The ETag makes the claim atomic: of two deliveries racing here, exactly one wins. A record that changed but is
 * still queued (the Sweeper counting a re-delivery, a notification delivered) is read again and claimed.
 */
async function claimRun(deps: WorkerDeps, found: Versioned<Execution>): Promise<Versioned<Execution> | null> {
  let current = found;
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const claimed = await replaceKeepingOutbox(
      deps.executions,
      startExecution(current.value, deps.clock.now()),
      current,
    );
    if (claimed) return claimed;
    const latest = await deps.executions.get(current.value.execId);
    if (latest?.value.status !== 'queued') return null;
    current = latest;
  }
  return null;
}

const CLAIM_ATTEMPTS = 3;

async function reject(deps: WorkerDeps, msg: DeliveredMessage, reason: string): Promise<HandleOutcome> {
  const text = typeof msg.body === 'string' ? msg.body : (JSON.stringify(msg.body) ?? String(msg.body));
  deps.log.warn(`poison message ${msg.messageId} on ${msg.queueName}: ${reason}`);
  await deps.executions.recordRejectedMessage({
    queue: msg.queueName,
    messageId: msg.messageId,
    reason,
    preview: text.slice(0, 512),
    receivedAt: deps.clock.now().toISOString(),
  });
  await deps.queue.sendToPoison(msg.queueName, text);
  return 'rejected';
}

const describe = (e: Execution) => `${e.execId} ${e.partition}/${e.mappingId} (${e.runbook})`;

const exitText = (e: Execution) =>
  e.exitCode !== undefined && e.exitCode !== null ? ` exit ${e.exitCode}` : e.error ? ` (${e.error})` : '';
