// Conditional record writes that tolerate notification deliveries: only a change of substance makes them lose.
import type { Execution } from '../../domain/runs/execution';
import { hasOnlyOutboxChanged, rebase } from '../../domain/oncall/notify-plan';
import type { ExecutionStore } from './ports';
import type { Versioned } from '../shared/ports';

const ATTEMPTS = 4;

/**
 * Replaces `base` with `next` if the record is unchanged, or changed only by a delivery recording its outcome (then
 * the change is re-applied on top of it). Null when another writer changed the record's substance.
 */
export async function replaceKeepingOutbox(
  store: ExecutionStore,
  next: Execution,
  base: Versioned<Execution>,
): Promise<Versioned<Execution> | null> {
  let current = base;
  let candidate = next;
  for (let i = 0; i < ATTEMPTS; i++) {
    const written = await store.replaceIf(candidate, current);
    if (written) return written;
    const latest = await store.get(next.execId);
    if (!latest || !hasOnlyOutboxChanged(current.value, latest.value)) return null;
    candidate = rebase(candidate, current.value, latest.value);
    current = latest;
  }
  return null;
}
