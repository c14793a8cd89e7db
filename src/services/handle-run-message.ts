// Worker use case: validate a run message, claim its execution exactly once, run it, and record the result.
import { replaceKeepingOutbox } from './replace-keeping-outbox';
import { finishExecution, startExecution, type Execution } from '../domain/execution';
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
  /** Pause between attempts to record a finished run; tests shorten it. */
  readonly finishRetryMs?: number;
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
  // The ETag makes the claim atomic: of two deliveries racing here, exactly one wins.
  const claimed = await replaceKeepingOutbox(deps.executions, startExecution(found.value, deps.clock.now()), found);
  if (!claimed) {
    deps.log.info(`skip ${found.value.execId}: claimed by another delivery`);
    return 'duplicate';
  }
  deps.log.info(`start ${describe(claimed.value)}`);
  const result = await executeRunbook(deps.runner, deps.settings, claimed.value, alertJson);
  const finished = await withFinishNotifications(deps, finishExecution(claimed.value, result, deps.clock.now()));
  const written = await recordFinish(deps, finished, claimed);
  deps.log.info(`end ${describe(finished)}: ${finished.status}${exitText(finished)}`);
  if (written) await deliverRecorded(deps.oncall, written, deps.log);
  return 'ran';
}

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

// The run already happened and cannot be repeated, so its result is worth a few patient attempts.
async function recordFinish(
  deps: WorkerDeps,
  finished: Execution,
  claimed: Versioned<Execution>,
): Promise<Versioned<Execution> | null> {
  const attempts = 5;
  for (let i = 1; ; i++) {
    try {
      const written = await replaceKeepingOutbox(deps.executions, finished, claimed);
      if (written) return written;
      await reportLostWrite(deps, finished);
      return null;
    } catch (err) {
      if (i >= attempts) throw err;
      deps.log.warn(`recording ${finished.execId} failed (attempt ${i}/${attempts}): ${String(err)}`);
      await new Promise((r) => setTimeout(r, (deps.finishRetryMs ?? 1000) * i));
    }
  }
}

// An ETag mismatch is final: either an earlier attempt landed (its answer was lost) or another writer, such as the
// sweeper, changed the record. Retrying cannot help either way.
async function reportLostWrite(deps: WorkerDeps, finished: Execution): Promise<void> {
  const current = (await deps.executions.get(finished.execId))?.value;
  if (current?.status === finished.status && current.finishedAt === finished.finishedAt) return;
  deps.log.error(
    `${finished.execId} ended ${finished.status}, but the record now says ${current?.status ?? 'nothing'}; it was changed while running`,
  );
}

const describe = (e: Execution) => `${e.execId} ${e.partition}/${e.mappingId} (${e.runbook})`;

const exitText = (e: Execution) =>
  e.exitCode !== undefined && e.exitCode !== null ? ` exit ${e.exitCode}` : e.error ? ` (${e.error})` : '';
