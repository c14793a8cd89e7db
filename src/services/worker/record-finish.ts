// Recording a finished run: its result, with the pages it owes, retried through storage outages, over "worker lost".
import { finishExecution, type Execution, type RunResult } from '../../domain/runs/execution';
import { correctLostExecution, isMarkedLost } from '../../domain/runs/lost-run';
import { mayClosePage, onFinish, withNotifications } from '../../domain/oncall/notify-plan';
import { pageAlias } from '../../domain/oncall/page-alert';
import type { OncallDeps } from '../runs/admitted-execution';
import type { PageStateStore } from '../oncall/ports';
import type { ExecutionStore } from '../runs/ports';
import type { Clock, Logger, Versioned } from '../shared/ports';
import { replaceKeepingOutbox } from '../runs/replace-keeping-outbox';

export type FinishDeps = {
  readonly executions: ExecutionStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly oncall: OncallDeps;
  readonly pages: PageStateStore;
  /** First pause between attempts to record a finished run (doubling, at most 15 s); tests shorten it. */
  readonly finishRetryMs?: number;
  /** How long a finished run's result is retried before the message is given back; tests shorten it. */
  readonly finishRetryWindowMs?: number;
};

// The page goes in the same write as the status: an outbox, so a crash after the run cannot lose it.
async function withFinishNotifications(deps: FinishDeps, e: Execution): Promise<Execution> {
  const channels = deps.oncall.channels(e.partition);
  // Unknown is treated as open: a needless close is harmless, a page left open is not.
  const pageOpen = mayClosePage(e, channels) ? await deps.pages.isOpen(pageAlias(e)).catch(() => true) : false;
  return withNotifications(e, onFinish(e, channels, pageOpen, deps.clock.now()));
}

// The run already happened and cannot be repeated: its result is retried until storage takes it, for as long as
// the message stays ours (the host keeps renewing its lease while this handler runs), and wins over a "worker lost"
// the Sweeper may have written meanwhile.
export async function recordFinish(
  deps: FinishDeps,
  result: RunResult,
  claimed: Versioned<Execution>,
): Promise<Versioned<Execution> | null> {
  const deadline = Date.now() + (deps.finishRetryWindowMs ?? FINISH_RETRY_WINDOW_MS);
  const finished = await withFinishNotifications(deps, finishExecution(claimed.value, result, deps.clock.now()));
  let next = finished;
  let base = claimed;
  for (let attempt = 1; ; attempt++) {
    try {
      // A correction is written as computed from the record it read: merged with a delivery in between, the page
      // it gave up would be owed again.
      const correcting = next !== finished;
      const written = correcting
        ? await deps.executions.replaceIf(next, base)
        : await replaceKeepingOutbox(deps.executions, next, base);
      if (written) return written;
      const current = await deps.executions.get(finished.execId);
      // A cancel request that came as the run ended: the result stands, on the record that carries the request.
      if (current?.value.status === 'running') {
        next = await withFinishNotifications(deps, finishExecution(current.value, result, deps.clock.now()));
        base = current;
        continue;
      }
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
  deps: FinishDeps,
  finished: Execution,
  current: Versioned<Execution> | null,
): Promise<Versioned<Execution> | null> {
  if (current?.value.status === finished.status && current.value.finishedAt === finished.finishedAt) return null;
  deps.log.error(
    `${finished.execId} ended ${finished.status}, but the record now says ${current?.value.status ?? 'nothing'}; it was changed while running`,
  );
  return null;
}
