// Dry runs of a mapping with a concurrency policy: who holds its slots now, and what a run asked for now would do.
import { runConcurrency } from '../../domain/concurrency/concurrency';
import type { Mapping } from '../../domain/mappings/mapping';
import type { ConcurrencyStore } from './ports';

export type ConcurrencyPreview = {
  readonly limit: number;
  readonly per: 'mapping' | 'resource';
  readonly on_busy: 'queue' | 'skip';
  /** The runs holding a slot now. */
  readonly running: readonly string[];
  /** Runs waiting in line now. */
  readonly waiting: number;
  /** A run asked for now: starts at once, waits in line, or is skipped (as decided when a worker takes it). */
  readonly now: 'starts' | 'waits' | 'skipped';
};

/** Undefined for mappings without a policy; reads the slots when a store is given, else shows the policy alone. */
export async function previewConcurrency(
  slots: ConcurrencyStore | undefined,
  m: Mapping,
  resourceId: string | null,
): Promise<ConcurrencyPreview | undefined> {
  if (!m.concurrency) return undefined;
  const c = runConcurrency(m.partition, m.id, m.concurrency, resourceId);
  const state = slots ? await slots.inspect(c.key, c.limit) : { holders: [], waiting: 0 };
  const busy = state.holders.length >= c.limit || state.waiting > 0;
  return {
    limit: c.limit,
    per: c.per,
    on_busy: c.onBusy,
    running: state.holders.map((h) => h.execId),
    waiting: state.waiting,
    now: !busy ? 'starts' : c.onBusy === 'queue' ? 'waits' : 'skipped',
  };
}
