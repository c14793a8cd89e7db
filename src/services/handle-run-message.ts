// Worker use case: validate a run message, claim its execution exactly once, run it, and record the result.
import { replaceKeepingOutbox } from './replace-keeping-outbox';
import {
  correctLostExecution,
  finishExecution,
  isMarkedLost,
  startExecution,
  type Execution,
  type RunResult,
} from '../domain/execution';
import { mayClosePage, onFinish, withNotifications } from '../domain/notify-plan';
import { pageAlias } from '../domain/page-alert';
import { runMessageSchema } from '../domain/run-message';
import { deliverRecorded, type OncallDeps } from './admitted-execution';
import type { PageStateStore } from './oncall-ports';
import { executeRunbook, type RunnerSettings } from './execute-runbook';
import type { AlertRecordStore, Clock, ExecutionStore, Logger, RunQueue, Versioned } from './ports';
import type { RunnerPorts } from './runner-ports';

export type WorkerDeps = {
  readonly executions: ExecutionStore;
  readonly alerts: AlertRecordStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly runner: RunnerPorts;
  readonly settings: RunnerSettings;
  readonly oncall: OncallDeps;
  readonly pages: PageStateStore;
  /** First pause between attempts to record a finished run (doubling, at most 15 s); tests shorten it. */
  readonly finishRetryMs?: number;
  /** How long a finished run's result is retried before the message is given back; tests shorten it. */
  readonly finishRetryWindowMs?: number;
};

export type DeliveredMessage = { readonly queueName: string; readonly messageId: string; readonly body: unknown };

export type HandleOutcome = 'ran' | 'duplicate' | 'rejected';

export async function handleRunMessage(deps: WorkerDeps, msg: DeliveredMessage): Promise<HandleOutcome> {
  const parsed = runMessageSchema.safeParse(msg.body);
  if (!parsed.success) return reject(deps, msg, `not a run message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const found = await deps.executions.get(parsed.data.execId);
  if (!found) return reject(deps, msg, `no execution ${parsed.data.execId}`);
  if (found.value.status !== 'queued') {
    deps.log.info(`skip ${found.value.execId}: already ${found.value.status} (duplicate delivery)`);
    return 'duplicate';
  }
  // Read before claiming: a storage failure here leaves the message to be retried, not a claimed run stuck running.
  const alertJson = found.value.trigger === 'manual' ? null : await deps.alerts.getPayload(found.value.execId);
  const claimed = await claimRun(deps, found);
  if (!claimed) {
    deps.log.info(`skip ${found.value.execId}: claimed by another delivery`);
    return 'duplicate';
  }
  deps.log.info(`start ${describe(claimed.value)}`);
  const result = await executeRunbook(deps.runner, deps.settings, claimed.value, alertJson);
  const finished = finishExecution(claimed.value, result, deps.clock.now());
  deps.log.info(`end ${describe(finished)}: ${finished.status}${exitText(finished)}`);
  const written = await recordFinish(deps, result, claimed);
  if (written) await deliverRecorded(deps.oncall, written, deps.log);
  return 'ran';
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

// The page goes in the same write as the status: an outbox, so a crash after the run cannot lose it.
async function withFinishNotifications(deps: WorkerDeps, e: Execution): Promise<Execution> {
  const channels = deps.oncall.channels(e.partition);
  // Unknown is treated as open: a needless close is harmless, a page left open is not.
  const pageOpen = mayClosePage(e, channels) ? await deps.pages.isOpen(pageAlias(e)).catch(() => true) : false;
  return withNotifications(e, onFinish(e, channels, pageOpen, deps.clock.now()));
}

// The run already happened and cannot be repeated: its result is retried until storage takes it, for as long as
// the message stays ours (the host keeps renewing its lease while this handler runs), and wins over a "worker lost"
// the Sweeper may have written meanwhile.
async function recordFinish(
  deps: WorkerDeps,
  result: RunResult,
  claimed: Versioned<Execution>,
): Promise<Versioned<Execution> | null> {
  const deadline = Date.now() + (deps.finishRetryWindowMs ?? FINISH_RETRY_WINDOW_MS);
  const finished = await withFinishNotifications(deps, finishExecution(claimed.value, result, deps.clock.now()));
  let next = finished;
  let base = claimed;
  for (let attempt = 1; ; attempt++) {
    try {
      const written = await replaceKeepingOutbox(deps.executions, next, base);
      if (written) return written;
      const current = await deps.executions.get(finished.execId);
      if (!current || !isMarkedLost(current.value)) return reportLostWrite(deps, finished, current);
      deps.log.warn(`${finished.execId}: recording its result over the Sweeper's "worker lost"`);
      const corrected = correctLostExecution(current.value, result, deps.clock.now());
      next = await withFinishNotifications(deps, corrected);
      base = current;
    } catch (err) {
      const pauseMs = Math.min((deps.finishRetryMs ?? 1000) * 2 ** (attempt - 1), MAX_FINISH_PAUSE_MS);
      if (Date.now() + pauseMs > deadline) throw err;
      deps.log.warn(`recording ${finished.execId} failed (attempt ${attempt}); retrying: ${String(err)}`);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}

// Within Azure's functionTimeout (70 min in host.json) after the longest run (60 min + 5 min kill grace).
const FINISH_RETRY_WINDOW_MS = 4 * 60_000;
const MAX_FINISH_PAUSE_MS = 15_000;

// An ETag mismatch that is not the Sweeper's guess is final: an earlier attempt landed (its answer was lost), or
// another writer changed the record. Retrying cannot help either way.
async function reportLostWrite(
  deps: WorkerDeps,
  finished: Execution,
  current: Versioned<Execution> | null,
): Promise<Versioned<Execution> | null> {
  if (current?.value.status === finished.status && current.value.finishedAt === finished.finishedAt) return null;
  deps.log.error(
    `${finished.execId} ended ${finished.status}, but the record now says ${current?.value.status ?? 'nothing'}; it was changed while running`,
  );
  return null;
}

const describe = (e: Execution) => `${e.execId} ${e.partition}/${e.mappingId} (${e.runbook})`;

const exitText = (e: Execution) =>
  e.exitCode !== undefined && e.exitCode !== null ? ` exit ${e.exitCode}` : e.error ? ` (${e.error})` : '';
