// Run slots: a run of a mapping with a concurrency policy starts only holding a slot, gives it back when it ends,
// and wakes the next run in line.
import { describeBusy, type RunConcurrency } from '../../domain/concurrency/concurrency';
import type { Execution } from '../../domain/runs/execution';
import { FINAL_STATUSES } from '../../domain/runs/execution-status';
import { isMarkedLost } from '../../domain/runs/lost-run';
import type { ExecutionStore, RunQueue } from '../runs/ports';
import type { Clock, Logger } from '../shared/ports';
import type { ConcurrencyStore, SlotEntry, SlotRun } from './ports';

export type SlotDeps = {
  readonly slots: ConcurrencyStore;
  readonly executions: ExecutionStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
};

/** `go`: the run holds a slot (or needs none); otherwise it waits in line or is skipped, for the reason given. */
export type SlotDecision = { readonly kind: 'go' } | { readonly kind: 'wait' | 'skip'; readonly reason: string };

// A holder is checked against its record only after this long: a run that just ended gives its slot back itself.
const CHECK_HOLDERS_AFTER_MS = 10_000;
// A run handed a slot but still not started after this long is woken again: its wake message may have been lost.
const REWAKE_AFTER_MS = 60_000;
// Beyond its timeout, how long a run the Sweeper called lost may still be running (kill grace, a slow last write).
const LOST_RUN_GRACE_MS = 5 * 60_000;

/** Takes a slot for the run, or puts it in line; throws only when storage fails (the message is then retried). */
export async function acquireRunSlot(deps: SlotDeps, e: Execution): Promise<SlotDecision> {
  const c = e.concurrency;
  if (!c) return { kind: 'go' };
  let entry = await enterLine(deps, c, e);
  // A slot whose holder is over was not given back (its worker lost the final write): take it back and try again.
  if (!entry.holds && (await reclaimLeaked(deps, c, entry))) entry = await enterLine(deps, c, e);
  if (entry.holds) return { kind: 'go' };
  const reason = describeBusy(c, entry.holders, entry.ahead);
  return c.onBusy === 'skip' ? { kind: 'skip', reason } : { kind: 'wait', reason };
}

/**
 * Gives the run's slot (or its place in line) back and wakes whoever it passes to. Never throws: a slot left held
 * is taken back by the next run that finds its holder over, or by the Sweeper.
 */
export async function releaseRunSlot(deps: SlotDeps, e: Execution): Promise<void> {
  const c = e.concurrency;
  if (!c) return;
  try {
    await wake(deps, await deps.slots.leave(c.key, c.limit, e.execId, deps.clock.now()));
  } catch (err) {
    deps.log.warn(
      `${e.execId}: its concurrency slot was not given back yet; the next run takes it back: ${String(err)}`,
    );
  }
}

/** A run over (cancelled in line, ended elsewhere) whose message still came: whatever it held is given back. */
export async function releaseIfOver(deps: SlotDeps, e: Execution): Promise<void> {
  if (e.concurrency && isOver(e, deps.clock.now())) await releaseRunSlot(deps, e);
}

/**
 * Over, and certainly not running: a run the Sweeper marked "worker lost" may be running still (its worker only lost
 * touch with storage), so its slot is kept until its timeout has passed since it started, and a grace after.
 */
function isOver(e: Execution, now: Date): boolean {
  if (!FINAL_STATUSES.includes(e.status)) return false;
  if (!isMarkedLost(e) || e.startedAt === undefined) return true;
  return now.getTime() > Date.parse(e.startedAt) + e.timeoutSeconds * 1000 + LOST_RUN_GRACE_MS;
}

async function enterLine(deps: SlotDeps, c: RunConcurrency, e: Execution): Promise<SlotEntry> {
  const run = { execId: e.execId, worker: e.worker };
  const entry = await deps.slots.enter(c.key, c.limit, run, c.onBusy === 'queue', deps.clock.now());
  await wake(deps, entry.woken);
  return entry;
}

async function reclaimLeaked(deps: SlotDeps, c: RunConcurrency, entry: SlotEntry): Promise<boolean> {
  const now = deps.clock.now();
  const age = (since: string) => now.getTime() - Date.parse(since);
  const old = entry.holders.filter((h) => age(h.since) > CHECK_HOLDERS_AFTER_MS);
  const records = await Promise.all(old.map((h) => deps.executions.get(h.execId)));
  let reclaimed = false;
  for (const [i, holder] of old.entries()) {
    const record = records[i];
    // Handed a slot long ago and still queued: its wake message was lost (the Sweeper may not reach it soon).
    if (record?.value.status === 'queued' && age(holder.since) > REWAKE_AFTER_MS)
      await wake(deps, [{ execId: holder.execId, worker: record.value.worker }]);
    if (record && !isOver(record.value, now)) continue;
    deps.log.warn(
      `${holder.execId} held a concurrency slot of ${c.key} but is ${record?.value.status ?? 'gone'}; taken back`,
    );
    await wake(deps, await deps.slots.leave(c.key, c.limit, holder.execId, deps.clock.now()));
    reclaimed = true;
  }
  return reclaimed;
}

// The woken run is recorded `queued`: if its message is lost, the Sweeper sends it again.
async function wake(deps: SlotDeps, runs: readonly SlotRun[]): Promise<void> {
  for (const run of runs) {
    try {
      await deps.queue.enqueue(run.worker, { v: 1, execId: run.execId });
    } catch (err) {
      deps.log.warn(`${run.execId} was handed a concurrency slot but not woken; the Sweeper sends it: ${String(err)}`);
    }
  }
}
