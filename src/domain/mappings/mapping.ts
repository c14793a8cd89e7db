// Mapping model: a runbook mapping as ClouDO uses it, and the seed-shaped view of it in API answers.
import type { z } from 'zod';
import type { AksCluster } from '../worker/aks-target';
import { toAuthoredMatch, type AlertMatch, type RunOn } from '../alerts/alert-match';
import type { BudgetAction, RunBudget } from '../budgets/budget';
import type { mappingEntitySchema } from './mapping-schema';
import { NO_PAGING, type PagingOptions } from '../oncall/paging';
import type { ParamSpec } from './param-spec';
import type { Schedule } from '../schedules/schedule';
import type { ConcurrencyPolicy } from '../concurrency/concurrency';
import { NO_ACCESS_LIST, type MappingAccess } from '../identity/mapping-access';

export type Mapping = {
  readonly partition: string;
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly runbook: string;
  readonly runArgs: string;
  readonly worker: string;
  readonly oncall: boolean;
  readonly requireApproval: boolean;
  /** Seconds; null means the configured default. */
  readonly timeoutSeconds: number | null;
  readonly enabled: boolean;
  /** Static variables for the runbook, declared on the mapping. */
  readonly env: Readonly<Record<string, string>>;
  /** null: the seed behaviour, the mapping claims alerts whose rule name equals its id. */
  readonly match: AlertMatch | null;
  readonly runOn: RunOn;
  /** The requester may not approve their own run. */
  readonly fourEyes: boolean;
  /** null: no budget. */
  readonly maxRuns: RunBudget | null;
  /** What a spent budget does to the next run: record it throttled, or ask a human. */
  readonly onBudgetExceeded: BudgetAction;
  readonly paging: PagingOptions;
  /** Log in to an AKS cluster before the run and hand the runbook a kubeconfig. */
  readonly aksLogin: boolean;
  /** null: the cluster comes from the alert, if it names one. */
  readonly aksCluster: AksCluster | null;
  /** Run parameters by name; empty when the mapping takes none. */
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** null: the mapping runs only when asked. */
  readonly schedule: Schedule | null;
  /** The parameters of scheduled runs, checked against `params` when the file loaded. */
  readonly scheduleParams: Readonly<Record<string, unknown>>;
  /** One run for the most recent slot missed while ClouDO was down (none are back-filled otherwise). */
  readonly catchUp: boolean;
  /** null: runs of the mapping may overlap without bound. */
  readonly concurrency: ConcurrencyPolicy | null;
  /** Who may run it by hand and approve its runs, beyond their roles. */
  readonly access: MappingAccess;
};

export function toMapping(partition: string, e: z.output<typeof mappingEntitySchema>): Mapping {
  return {
    partition,
    id: e.id,
    name: e.name,
    description: e.description,
    runbook: e.runbook,
    runArgs: e.run_args,
    worker: e.worker,
    oncall: e.oncall,
    requireApproval: e.require_approval,
    timeoutSeconds: e.timeout ?? null,
    enabled: e.enabled,
    env: e.env,
    match: e.match ?? null,
    runOn: e.run_on,
    fourEyes: e.four_eyes,
    maxRuns: e.max_runs ?? null,
    onBudgetExceeded: e.on_budget_exceeded,
    paging: e.opsgenie ?? NO_PAGING,
    aksLogin: e.aks_login,
    aksCluster: e.aks_cluster ?? null,
    params: e.params,
    schedule: e.schedule ?? null,
    scheduleParams: e.schedule_params ?? {},
    catchUp: e.catch_up,
    concurrency: e.concurrency ?? null,
    access: e.access ?? NO_ACCESS_LIST,
  };
}

/** The seed's document shape again, for showing a mapping in API answers. */
/** A mapping as its file spells it: its key and name, then every other field. */
export type AuthoredMappingView = {
  readonly partition_key: string;
  readonly id: string;
  readonly name: string;
  readonly [field: string]: unknown;
};

export function toMappingView(m: Mapping): AuthoredMappingView {
  return {
    partition_key: m.partition,
    id: m.id,
    name: m.name,
    description: m.description,
    runbook: m.runbook,
    run_args: m.runArgs,
    worker: m.worker,
    oncall: m.oncall,
    require_approval: m.requireApproval,
    timeout: m.timeoutSeconds,
    enabled: m.enabled,
    match: m.match ? toAuthoredMatch(m.match) : null,
    run_on: m.runOn,
    four_eyes: m.fourEyes,
    max_runs: m.maxRuns ? { count: m.maxRuns.count, window: m.maxRuns.windowSeconds, per: m.maxRuns.per } : null,
    on_budget_exceeded: m.onBudgetExceeded,
    opsgenie: m.paging,
    aks_login: m.aksLogin,
    aks_cluster: m.aksCluster ? authoredCluster(m.aksCluster) : null,
    params: m.params,
    schedule: m.schedule,
    schedule_params: m.scheduleParams,
    catch_up: m.catchUp,
    concurrency: m.concurrency
      ? { limit: m.concurrency.limit, per: m.concurrency.per, on_busy: m.concurrency.onBusy }
      : null,
    access: m.access.run || m.access.approve ? { run: m.access.run, approve: m.access.approve } : null,
  };
}

function authoredCluster(c: AksCluster): { name: string; resource_group: string; subscription?: string } {
  return {
    name: c.name,
    resource_group: c.resourceGroup,
    ...(c.subscriptionId ? { subscription: c.subscriptionId } : {}),
  };
}
