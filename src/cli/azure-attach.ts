// `cloudo azure attach`: adds an action group to an alert rule's actions, keeping the actions it already has.
import {
  classifyAlertRule,
  appendAction,
  isActionGroup,
  parseResourceId,
  type AlertRuleKind,
  type ResourceId,
} from '../adapters/azure/azure-wiring';
import type { AzureDeps } from './azure-deps';
import { UsageError, type FlagSpec, type Flags } from './cli-args';

export const ATTACH_FLAGS: FlagSpec = {
  '--rule': { kind: 'value', required: true },
  '--action-group-id': { kind: 'value', required: true },
};

const KIND_LABEL: Readonly<Record<AlertRuleKind, string>> = {
  'metric-alert': 'metric alert',
  'log-search-alert': 'log search alert',
  'activity-log-alert': 'activity log alert',
};

export async function attach(flags: Flags, deps: AzureDeps): Promise<number> {
  const rule = resourceFlag(flags, 'rule');
  const group = resourceFlag(flags, 'action-group-id');
  if (!isActionGroup(group)) {
    throw new UsageError(`--action-group-id: ${group.type} is not Microsoft.Insights/actionGroups`);
  }
  const kind = classifyAlertRule(rule);
  if (!kind) {
    deps.print(
      `not supported: ${rule.type}. cloudo azure attach handles Microsoft.Insights/metricAlerts, ` +
        'scheduledQueryRules (log search alerts) and activityLogAlerts.',
    );
    return 2;
  }
  const current = await deps.monitor(rule.subscriptionId).ruleActions(rule, kind);
  const result = appendAction(current.actions, group.id);
  const label = `${KIND_LABEL[kind]} "${rule.name}"`;
  if (!result.changed) {
    deps.print(`already attached: ${label} already uses action group "${group.name}"`);
    return 0;
  }
  await current.write(result.actions);
  deps.print(`attached: ${label} now uses action group "${group.name}"`);
  deps.print(`  + ${group.id}`);
  for (const kept of current.actions) deps.print(`  = ${kept.actionGroupId}`);
  return 0;
}

function resourceFlag(flags: Flags, name: string): ResourceId {
  const raw = flags.values[name] ?? '';
  const parsed = parseResourceId(raw);
  if (!parsed) {
    throw new UsageError(
      `--${name}: "${raw}" is not a resource id like /subscriptions/<id>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>`,
    );
  }
  return parsed;
}
