// Alert matching: a mapping's optional `match` block (schema and normal form) and the verdict on one alert.
import { z } from 'zod';
import type { AlertContext, MonitorCondition } from './alert';
import { compileRegExp, labelMatchersSchema, matchesLabel, testRegExp, type LabelMatcher } from './label-matcher';

/** Which monitor conditions a claimed alert runs the runbook for; the others are recorded as skipped. */
export const RUN_ON = ['fired', 'resolved', 'both'] as const;
export type RunOn = (typeof RUN_ON)[number];

/** Every present condition must hold; a list means any of its values. Names compare case-insensitively. */
export type AlertMatch = {
  readonly alertRule?: readonly string[] | undefined;
  readonly alertRulePattern?: string | undefined;
  readonly severity?: readonly string[] | undefined;
  readonly signalType?: readonly string[] | undefined;
  readonly monitorCondition?: readonly MonitorCondition[] | undefined;
  readonly resourceGroup?: readonly string[] | undefined;
  readonly resourceType?: readonly string[] | undefined;
  readonly subscription?: readonly string[] | undefined;
  readonly labels?: readonly LabelMatcher[] | undefined;
  readonly annotations?: readonly LabelMatcher[] | undefined;
};

export type MatchVerdict = { claimed: boolean; run: boolean; reasons: string[] };

const name = z.string().trim().min(1, 'must not be empty').max(512, 'at most 512 characters');
const names = z
  .union([name, z.array(name).min(1, 'must not be empty').max(64, 'at most 64 values')], {
    error: 'expected a string or a list of strings',
  })
  .transform((v) => (Array.isArray(v) ? v : [v]));
// A refinement, not a regex: JSON Schema patterns lose the i flag, and editors would then reject "Fired".
const condition = z
  .string()
  .refine((c) => /^(fired|resolved)$/i.test(c), 'expected "Fired" or "Resolved"')
  .describe('"Fired" or "Resolved", in any case');
const conditions = z
  .union([condition, z.array(condition).min(1, 'must not be empty')], {
    error: 'expected "Fired", "Resolved" or a list of them',
  })
  .transform((v) => (Array.isArray(v) ? v : [v]).map((c): MonitorCondition => (/^f/i.test(c) ? 'Fired' : 'Resolved')));
const rulePattern = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'at most 256 characters')
  .superRefine((re, ctx) => {
    const compiled = compileRegExp(re);
    if (!compiled.ok) ctx.addIssue({ code: 'custom', message: `invalid regular expression (${compiled.message})` });
  });

export const alertMatchSchema = z
  .strictObject({
    alert_rule: names.optional(),
    alert_rule_pattern: rulePattern.optional(),
    severity: names.optional(),
    signal_type: names.optional(),
    monitor_condition: conditions.optional(),
    resource_group: names.optional(),
    resource_type: names.optional(),
    subscription: names.optional(),
    labels: labelMatchersSchema.optional(),
    annotations: labelMatchersSchema.optional(),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), 'match needs at least one condition')
  .transform((m): AlertMatch => ({
    alertRule: m.alert_rule,
    alertRulePattern: m.alert_rule_pattern,
    severity: m.severity,
    signalType: m.signal_type,
    monitorCondition: m.monitor_condition,
    resourceGroup: m.resource_group,
    resourceType: m.resource_type,
    subscription: m.subscription,
    labels: m.labels,
    annotations: m.annotations,
  }))
  // The block is stored as one table property, so it is bounded here, where the file is named.
  .refine((m) => JSON.stringify(toAuthoredMatch(m)).length <= 16_000, 'at most 16,000 characters in all')
  .describe('Claim alerts by their properties instead of by id. Every condition must hold; a list means any of.');

/** The block in the authors' spelling, for storage and API answers; it parses back through alertMatchSchema. */
export function toAuthoredMatch(m: AlertMatch): Record<string, unknown> {
  const authored: Record<string, unknown> = {
    alert_rule: m.alertRule,
    alert_rule_pattern: m.alertRulePattern,
    severity: m.severity,
    signal_type: m.signalType,
    monitor_condition: m.monitorCondition,
    resource_group: m.resourceGroup,
    resource_type: m.resourceType,
    subscription: m.subscription,
    labels: m.labels?.map((l) => l.text),
    annotations: m.annotations?.map((l) => l.text),
  };
  return Object.fromEntries(Object.entries(authored).filter(([, v]) => v !== undefined));
}

/** Whether a mapping claims an alert and runs for it, with one short reason per condition for the dry run. */
/** What matching reads of a mapping. */
export type MatchRules = { readonly id: string; readonly match: AlertMatch | null; readonly runOn: RunOn };

export function matchAlert(mapping: MatchRules, alert: AlertContext): MatchVerdict {
  const checks = mapping.match ? conditionChecks(mapping.match, alert) : [idCheck(mapping.id, alert)];
  const claimed = checks.every((c) => c.ok);
  const reasons = checks.map((c) => c.reason);
  const run = claimed && runsOn(mapping.runOn, alert.monitorCondition);
  if (claimed && !run)
    reasons.push(`run_on "${mapping.runOn}" does not run ${alert.monitorCondition} alerts (skipped)`);
  return { claimed, run, reasons };
}

type Check = { readonly ok: boolean; readonly reason: string };

// Azure rule names and mapping ids are case-sensitive, so the seed comparison is exact.
function idCheck(id: string, alert: AlertContext): Check {
  if (alert.ruleName === null) return { ok: false, reason: `id "${id}": the alert has no rule name` };
  if (alert.ruleName === id) return { ok: true, reason: `id "${id}" equals the alert rule name` };
  return { ok: false, reason: `id "${id}" does not equal the alert rule name "${alert.ruleName}"` };
}

function conditionChecks(m: AlertMatch, a: AlertContext): Check[] {
  const rules = [...new Set([a.ruleName, a.rule].filter((r): r is string => r !== null))];
  const shownRule = rules.length > 0 ? rules.map((r) => `"${r}"`).join(' / ') : '(none)';
  const checks: Check[] = [];
  if (m.alertRule) {
    const ok = m.alertRule.some((w) => rules.some((r) => sameText(w, r)));
    checks.push(check(ok, `alert_rule ${shownRule} is one of [${m.alertRule.join(', ')}]`));
  }
  if (m.alertRulePattern !== undefined) {
    const re = m.alertRulePattern;
    checks.push(
      check(
        rules.some((r) => testRegExp(re, r)),
        `alert_rule_pattern /${re}/ matches ${shownRule}`,
      ),
    );
  }
  const sets: [string, readonly string[] | undefined, string | null][] = [
    ['severity', m.severity, a.severity],
    ['signal_type', m.signalType, a.signalType],
    ['monitor_condition', m.monitorCondition, a.monitorCondition],
    ['resource_group', m.resourceGroup, a.resource.resourceGroup],
    ['resource_type', m.resourceType, a.resource.type],
    ['subscription', m.subscription, a.resource.subscriptionId],
  ];
  for (const [field, wanted, actual] of sets) {
    if (!wanted) continue;
    const ok = actual !== null && wanted.some((w) => sameText(w, actual));
    checks.push(check(ok, `${field} ${actual ?? '(none)'} is one of [${wanted.join(', ')}]`));
  }
  if (m.labels) checks.push(matcherCheck('labels', m.labels, a.labels));
  if (m.annotations) checks.push(matcherCheck('annotations', m.annotations, a.annotations));
  return checks;
}

function matcherCheck(field: string, ms: readonly LabelMatcher[], values: Readonly<Record<string, string>>): Check {
  const failing = ms.find((m) => !matchesLabel(m, values));
  const all = `${field} [${ms.map((m) => m.text).join(', ')}]`;
  if (!failing) return { ok: true, reason: `${all}: yes` };
  const actual = Object.hasOwn(values, failing.name) ? `"${values[failing.name] ?? ''}"` : 'missing';
  return { ok: false, reason: `${all}: no (${failing.text} fails: ${failing.name} is ${actual})` };
}

function check(ok: boolean, what: string): Check {
  return { ok, reason: `${what}: ${ok ? 'yes' : 'no'}` };
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function runsOn(runOn: RunOn, condition: MonitorCondition): boolean {
  return runOn === 'both' || (runOn === 'fired') === (condition === 'Fired');
}
