// Holding a run back for its concurrency policy: recorded as waiting in line (woken by a later message), or skipped.
import { markWaiting, skipQueued, type Execution } from '../../domain/runs/execution';
import type { SlotDecision } from '../concurrency/run-slots';
import { releaseIfOver, type SlotDeps } from '../concurrency/run-slots';
import { replaceKeepingOutbox } from '../runs/replace-keeping-outbox';
import type { Versioned } from '../shared/ports';

// Each attempt reads the record again: a Sweeper's re-delivery count or a delivered page may have changed it.
const ATTEMPTS = 5;

/**
 * Writes why the run does not start now. The message is then done with: a run in line is sent again when a slot is
 * handed to it (and by the Sweeper, should that message be lost). Throws only when storage fails.
 */
export async function holdBack(
  deps: SlotDeps,
  found: Versioned<Execution>,
  slot: Exclude<SlotDecision, { kind: 'go' }>,
): Promise<'waiting' | 'skipped'> {
  const outcome = slot.kind === 'wait' ? 'waiting' : 'skipped';
  let current: Versioned<Execution> | null = found;
  for (let attempt = 0; attempt < ATTEMPTS && current?.value.status === 'queued'; attempt++) {
    const now = deps.clock.now();
    const next =
      slot.kind === 'wait' ? markWaiting(current.value, slot.reason, now) : skipQueued(current.value, slot.reason, now);
    if (await replaceKeepingOutbox(deps.executions, next, current)) {
      deps.log.info(`${found.value.execId}: ${outcome} (${slot.reason})`);
      return outcome;
    }
    current = await deps.executions.get(found.value.execId);
  }
  // Ended meanwhile (cancelled while it joined the line): whatever it was handed goes back.
  if (current) await releaseIfOver(deps, current.value);
  if (current?.value.status === 'queued')
    deps.log.warn(`${found.value.execId}: kept changing while being held back; the Sweeper sends it again`);
  return outcome;
}
