// Remediation budgets: at most N unattended runs per window, per mapping or per mapping and target resource.
import { z } from 'zod';
import { scopedKey } from '../shared/scoped-key';

/** What a run past its budget does: it is throttled, or it waits for a human. */
export const BUDGET_ACTIONS = ['throttle', 'require_approval'] as const;
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

export type BudgetScope = 'mapping' | 'resource';

export type RunBudget = {
  readonly count: number;
  readonly windowSeconds: number;
  readonly per: BudgetScope;
};

/** What a throttled execution records: the budget, and the runs that spent it. */
export type BudgetReport = RunBudget & { readonly recent: readonly BudgetUse[] };

export type BudgetUse = { readonly execId: string; readonly usedAt: string };

export const MAX_BUDGET_COUNT = 100;
const MAX_WINDOW_SECONDS = 7 * 86_400;

const windowText = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(s|m|h|d)?$/, 'expected seconds (3600) or a duration such as "30m", "1h", "1d"'),
  ])
  .transform(windowSeconds)
  .refine((s) => s >= 1 && s <= MAX_WINDOW_SECONDS, 'must be between 1 second and 7 days');

export const runBudgetSchema = z
  .strictObject({
    count: z.number().int().min(1).max(MAX_BUDGET_COUNT),
    window: windowText,
    per: z.enum(['mapping', 'resource']).default('mapping'),
  })
  .transform((b): RunBudget => ({ count: b.count, windowSeconds: b.window, per: b.per }))
  .describe('At most `count` unattended runs per `window`, for the mapping or for each target resource.');

/** The budget's storage key: the mapping, plus the target resource when budgets are per resource. */
export function budgetKey(partition: string, mappingId: string, budget: RunBudget, resourceId: string | null): string {
  return scopedKey(partition, mappingId, budget.per, resourceId);
}

function windowSeconds(v: number | string): number {
  if (typeof v === 'number') return v;
  const n = Number.parseInt(v, 10);
  const unit = v.at(-1);
  return unit === 'd' ? n * 86_400 : unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : n;
}
