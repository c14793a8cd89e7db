// Match rules in words: what a mapping claims of alerts, worded as the dry run words its checks, for a console.
import type { MatchRules } from './alert-match';

/** One line per condition (all must hold), then which claimed alerts run; without `match`, the seed's id rule. */
export function describeMatch(m: MatchRules): string[] {
  const lines = m.match ? conditionLines(m.match) : [`alert rule name equals "${m.id}"`];
  return [...lines, RUN_ON_TEXT[m.runOn]];
}

const RUN_ON_TEXT: Readonly<Record<MatchRules['runOn'], string>> = {
  fired: 'run_on "fired": runs for Fired alerts; Resolved ones are skipped',
  resolved: 'run_on "resolved": runs for Resolved alerts; Fired ones are skipped',
  both: 'run_on "both": runs for Fired and Resolved alerts',
};

function conditionLines(m: NonNullable<MatchRules['match']>): string[] {
  const lines: string[] = [];
  if (m.alertRule) lines.push(`alert_rule is one of [${m.alertRule.join(', ')}]`);
  if (m.alertRulePattern !== undefined) lines.push(`alert_rule_pattern /${m.alertRulePattern}/ matches the rule`);
  const sets: [string, readonly string[] | undefined][] = [
    ['severity', m.severity],
    ['signal_type', m.signalType],
    ['monitor_condition', m.monitorCondition],
    ['resource_group', m.resourceGroup],
    ['resource_type', m.resourceType],
    ['subscription', m.subscription],
  ];
  for (const [field, wanted] of sets) if (wanted) lines.push(`${field} is one of [${wanted.join(', ')}]`);
  if (m.labels) lines.push(`labels [${m.labels.map((l) => l.text).join(', ')}]`);
  if (m.annotations) lines.push(`annotations [${m.annotations.map((l) => l.text).join(', ')}]`);
  return lines;
}
