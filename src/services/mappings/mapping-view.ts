// A mapping as the console shows it: what starts it, its rules in words, its parameters and policies, and whether
// the caller may run or approve it. Secret parameters' values never appear (a secret has no default anyway).
import { describeMatch } from '../../domain/alerts/match-description';
import { findRefusal } from '../../domain/alerts/alert-decision';
import { mayDo, type Caller } from '../../domain/identity/caller';
import { mayActOn } from '../../domain/identity/mapping-access';
import type { ConcurrencyPolicy } from '../../domain/concurrency/concurrency';
import type { Mapping } from '../../domain/mappings/mapping';
import type { ExecutionStatus } from '../../domain/runs/execution-status';
import type { ParamSpec } from '../../domain/mappings/param-spec';
import type { PagingOptions } from '../../domain/oncall/paging';
import { upcomingSlots } from '../../domain/schedules/schedule';

/** What can start a mapping's runs. */
export type StartKind = 'manual' | 'alert' | 'schedule';

export type ParamView = {
  readonly name: string;
  readonly type: ParamSpec['type'];
  readonly required: boolean;
  readonly default?: string | number | boolean;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly min?: number;
  readonly max?: number;
  readonly secret: boolean;
  readonly description?: string;
};

export type LastRun = { readonly execId: string; readonly status: ExecutionStatus; readonly requestedAt: string };

export type MappingView = {
  readonly mapping: { readonly partition_key: string; readonly id: string; readonly name: string };
  readonly description?: string;
  readonly runbook: string;
  readonly enabled: boolean;
  readonly triggers: readonly StartKind[];
  readonly match: readonly string[];
  readonly params: readonly ParamView[];
  readonly schedule: { readonly cron: string; readonly timezone: string; readonly next: readonly string[] } | null;
  readonly oncall: { readonly opsgenie: PagingOptions } | null;
  readonly approval: {
    readonly required: boolean;
    readonly on_budget_exceeded: Mapping['onBudgetExceeded'];
    readonly four_eyes: boolean;
    readonly approvers: readonly string[] | null;
  } | null;
  readonly budget: { readonly count: number; readonly window: number; readonly per: 'mapping' | 'resource' } | null;
  readonly concurrency: {
    readonly limit: number;
    readonly per: ConcurrencyPolicy['per'];
    readonly on_busy: ConcurrencyPolicy['onBusy'];
  } | null;
  readonly may: { readonly run: boolean; readonly approve: boolean };
  readonly lastRun: LastRun | null;
};

const NEXT = 3;

export function toMappingCard(m: Mapping, caller: Caller, lastRun: LastRun | null, now: Date): MappingView {
  const enabled = findRefusal(m) === null;
  return {
    mapping: { partition_key: m.partition, id: m.id, name: m.name },
    ...(m.description ? { description: m.description } : {}),
    runbook: m.runbook,
    enabled,
    // Every mapping claims alerts: by its match rules, or (without them) those whose rule name equals its id.
    triggers: m.schedule ? ['manual', 'alert', 'schedule'] : ['manual', 'alert'],
    match: describeMatch(m),
    params: Object.entries(m.params).map(([name, spec]) => toParamView(name, spec)),
    schedule: m.schedule
      ? {
          cron: m.schedule.cron,
          timezone: m.schedule.timezone,
          next: enabled ? upcomingSlots(m.schedule, now, NEXT).map((d) => d.toISOString()) : [],
        }
      : null,
    oncall: m.oncall ? { opsgenie: m.paging } : null,
    approval: approvalOf(m),
    budget: m.maxRuns ? { count: m.maxRuns.count, window: m.maxRuns.windowSeconds, per: m.maxRuns.per } : null,
    concurrency: m.concurrency
      ? { limit: m.concurrency.limit, per: m.concurrency.per, on_busy: m.concurrency.onBusy }
      : null,
    may: {
      run: mayDo(caller, 'run') && mayActOn(caller, m.access, 'run'),
      approve: mayDo(caller, 'approve') && mayActOn(caller, m.access, 'approve'),
    },
    lastRun,
  };
}

// A run waits for a human when the mapping always asks, or when its budget is spent and it then asks.
function approvalOf(m: Mapping): MappingView['approval'] {
  if (!m.requireApproval && !(m.maxRuns && m.onBudgetExceeded === 'require_approval')) return null;
  return {
    required: m.requireApproval,
    on_budget_exceeded: m.onBudgetExceeded,
    four_eyes: m.fourEyes,
    approvers: m.access.approve,
  };
}

function toParamView(name: string, s: ParamSpec): ParamView {
  return {
    name,
    type: s.type,
    required: s.required,
    // Never a secret's value: the schema refuses secret defaults, and this keeps it so if that ever changes.
    ...(s.default !== undefined && !s.secret ? { default: s.default } : {}),
    ...(s.values ? { enum: s.values } : {}),
    ...(s.pattern !== undefined ? { pattern: s.pattern } : {}),
    ...(s.min !== undefined ? { min: s.min } : {}),
    ...(s.max !== undefined ? { max: s.max } : {}),
    secret: s.secret,
    ...(s.description !== undefined ? { description: s.description } : {}),
  };
}
