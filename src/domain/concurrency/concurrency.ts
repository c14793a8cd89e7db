// Concurrency policy: at most `limit` runs of a mapping (or of a mapping on one resource) at a time, and what the
// next one does while they run: wait its turn, or be skipped.
import { z } from 'zod';
import { scopedKey } from '../shared/scoped-key';

export const ON_BUSY = ['queue', 'skip'] as const;
export type OnBusy = (typeof ON_BUSY)[number];

export const MAX_CONCURRENCY = 100;

export type ConcurrencyPolicy = {
  /** Runs of the key that may hold a slot at once: running, or handed a slot and about to start. */
  readonly limit: number;
  /** `resource`: each target resource of an alert has its own slots (runs without one share a key). */
  readonly per: 'mapping' | 'resource';
  /** `queue`: wait in arrival order for a slot; `skip`: record the run `skipped`. */
  readonly onBusy: OnBusy;
};

/** What an execution carries of its mapping's policy, with the key its slots are counted under. */
export type RunConcurrency = ConcurrencyPolicy & { readonly key: string };

export const concurrencySchema = z
  .strictObject({
    limit: z.number().int().min(1).max(MAX_CONCURRENCY).default(1),
    per: z.enum(['mapping', 'resource']).default('mapping'),
    on_busy: z.enum(ON_BUSY).default('queue'),
  })
  .transform((c): ConcurrencyPolicy => ({ limit: c.limit, per: c.per, onBusy: c.on_busy }))
  .describe(
    'At most `limit` runs at a time, for the mapping or for each target resource; the next one waits its turn ' +
      '(`queue`, in arrival order) or is recorded `skipped` (`skip`).',
  );

export function runConcurrency(
  partition: string,
  mappingId: string,
  policy: ConcurrencyPolicy,
  resourceId: string | null,
): RunConcurrency {
  return { ...policy, key: scopedKey(partition, mappingId, policy.per, resourceId) };
}

/** A run holding a slot, and since when. */
export type SlotHolder = { readonly execId: string; readonly since: string };

/**
 * Why a run did not get a slot, in words for `/api/logs`. Who runs and how many wait are as last checked: the line
 * moves on without the record being written again.
 */
export function describeBusy(c: ConcurrencyPolicy, holders: readonly SlotHolder[], ahead: number): string {
  const rule = `${c.limit} run${c.limit === 1 ? '' : 's'} at a time${c.per === 'resource' ? ' on this resource' : ''}`;
  const running = holders.map((h) => h.execId).join(', ') || 'none';
  if (c.onBusy === 'skip') return `concurrency limit reached (${rule}); running: ${running}`;
  return `waiting for a concurrency slot (${rule}); last checked: running ${running}, ${ahead} ahead in line`;
}
