// Admission: whether a requested run is queued, waits for a human, or is throttled by its remediation budget.
import type { Approval } from '../../domain/approvals/approval';
import { budgetKey, type BudgetReport } from '../../domain/budgets/budget';
import type { Admission } from '../../domain/runs/execution';
import type { Mapping } from '../../domain/mappings/mapping';
import type { BudgetStore } from '../oncall/ports';
import type { ConcurrencyStore } from '../concurrency/ports';

export type AdmitDeps = {
  readonly budgets: BudgetStore;
  /** Concurrency slots: taken by the worker when a run starts, given back when it ends. */
  readonly slots: ConcurrencyStore;
  /** False when no approval secret is configured: nothing can wait for a human, so it does not run. */
  readonly approvalsEnabled: boolean;
  readonly approvalTtlMinutes: number;
};

export type RunContext = { readonly execId: string; readonly now: Date; readonly resourceId: string | null };

/** `release` gives a spent budget slot back when the run could not be recorded after all. */
export type AdmissionOutcome = { readonly admission: Admission; readonly release?: () => Promise<void> };

export async function admitRun(deps: AdmitDeps, m: Mapping, ctx: RunContext): Promise<AdmissionOutcome> {
  // A human decides every run of an approval mapping: that decision, not the budget, is the limit.
  if (m.requireApproval) return { admission: awaitApproval(deps, m, ctx.now, 'mapping') };
  if (!m.maxRuns) return { admission: { status: 'queued' } };
  const key = budgetKey(m.partition, m.id, m.maxRuns, ctx.resourceId);
  const taken = await deps.budgets.take(key, m.maxRuns.count, m.maxRuns.windowSeconds, ctx.execId, ctx.now);
  if (taken.ok) return { admission: { status: 'queued' }, release: taken.release };
  const budget: BudgetReport = { ...m.maxRuns, recent: taken.recent };
  // Without a secret nobody can be asked: the budget then throttles, which pages, rather than skipping in silence.
  if (m.onBudgetExceeded === 'require_approval' && deps.approvalsEnabled) {
    const asked = awaitApproval(deps, m, ctx.now, 'budget');
    if (asked.status === 'pending_approval') return { admission: { ...asked, budget } };
  }
  const reason = `remediation budget spent: ${budget.count} run(s) per ${describeWindow(budget.windowSeconds)}${
    budget.per === 'resource' ? ' on this resource' : ''
  }`;
  return { admission: { status: 'throttled', reason, budget } };
}

function awaitApproval(deps: AdmitDeps, m: Mapping, now: Date, because: Approval['because']): Admission {
  if (!deps.approvalsEnabled) {
    return { status: 'skipped', reason: 'needs approval, but no APPROVAL_SECRET is configured to sign approval links' };
  }
  const expiresAt = new Date(now.getTime() + deps.approvalTtlMinutes * 60_000).toISOString();
  return { status: 'pending_approval', approval: { expiresAt, because, fourEyes: m.fourEyes } };
}

function describeWindow(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
