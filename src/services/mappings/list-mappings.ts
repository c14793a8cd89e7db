// Mapping discovery: every stored mapping as the console shows it, and one with its budget and slots as they are now.
import { budgetKey } from '../../domain/budgets/budget';
import type { Caller } from '../../domain/identity/caller';
import type { Mapping } from '../../domain/mappings/mapping';
import { notFound } from '../../domain/shared/errors';
import type { ConcurrencyStore } from '../concurrency/ports';
import { previewConcurrency } from '../concurrency/preview-concurrency';
import type { ExecutionStore } from '../runs/ports';
import { runAllBounded } from '../shared/bounded-all';
import type { Clock } from '../shared/ports';
import { toMappingCard, type LastRun, type MappingView } from './mapping-view';
import type { BudgetReader, MappingStore } from './ports';

export type MappingReadDeps = {
  readonly mappings: MappingStore;
  readonly executions: ExecutionStore;
  readonly budgets: BudgetReader;
  readonly slots: ConcurrencyStore;
  readonly clock: Clock;
};

export type MappingDetail = Omit<MappingView, 'budget' | 'concurrency'> & {
  readonly budget: (NonNullable<MappingView['budget']> & BudgetUse) | null;
  readonly concurrency:
    | (NonNullable<MappingView['concurrency']> & { readonly running: readonly string[]; readonly waiting: number })
    | null;
};

/** Per-resource budgets have one count per target: without a target there is no single number to show. */
type BudgetUse = { readonly used: number | null; readonly remaining: number | null };

// Storage reads in flight at once for the last runs: a few, whatever the number of mappings.
const CONCURRENCY = 4;

/** One partition query for the mappings, then one index read per mapping for its last run, a few at a time. */
export async function listMappings(deps: MappingReadDeps, caller: Caller): Promise<MappingView[]> {
  const now = deps.clock.now();
  const all = await deps.mappings.listCandidates();
  const views = await runAllBounded(
    all.map((m) => async () => toMappingCard(m, caller, await lastRunOf(deps, m), now)),
    CONCURRENCY,
  );
  return views.sort((a, b) => key(a).localeCompare(key(b)));
}

const key = (v: MappingView) => `${v.mapping.partition_key}/${v.mapping.id}`;

/** 404 naming `id` when the partition holds no such mapping. */
export async function getMapping(
  deps: MappingReadDeps,
  caller: Caller,
  partition: string,
  id: string,
): Promise<MappingDetail> {
  const m = await deps.mappings.get(partition, id);
  if (!m) throw notFound(`No mapping with id "${id}" in partition "${partition}".`, { field: 'id' });
  const now = deps.clock.now();
  const [lastRun, budget, concurrency] = await Promise.all([
    lastRunOf(deps, m),
    budgetUse(deps, m, now),
    previewConcurrency(deps.slots, m, null),
  ]);
  const card = toMappingCard(m, caller, lastRun, now);
  return {
    ...card,
    budget: card.budget && budget ? { ...card.budget, ...budget } : null,
    concurrency:
      card.concurrency && concurrency
        ? { ...card.concurrency, running: concurrency.running, waiting: concurrency.waiting }
        : null,
  };
}

async function lastRunOf(deps: MappingReadDeps, m: Mapping): Promise<LastRun | null> {
  // The mapping index is by id: a run of a same-named mapping in another partition is not this one's.
  const page = await deps.executions.list({ mappingId: m.id, limit: 1 });
  const e = page.items.find((x) => x.partition === m.partition);
  return e ? { execId: e.execId, status: e.status, requestedAt: e.requestedAt } : null;
}

async function budgetUse(deps: MappingReadDeps, m: Mapping, now: Date): Promise<BudgetUse | null> {
  if (!m.maxRuns) return null;
  if (m.maxRuns.per === 'resource') return { used: null, remaining: null };
  const used = await deps.budgets.used(
    budgetKey(m.partition, m.id, m.maxRuns, null),
    m.maxRuns.count,
    m.maxRuns.windowSeconds,
    now,
  );
  return { used, remaining: Math.max(0, m.maxRuns.count - used) };
}
