// Azure Monitor common alert schema → AlertContext, for every signal type, tolerant of the shapes Azure really sends.
import type { AlertContext, MonitorCondition, ParseResult } from './alert';
import { readAksContext, isPrometheusSignal } from './alert-env';
import type { JsonObject } from './alert-fields';
import {
  RESOURCE_ID_LABELS,
  asArray,
  asObject,
  asText,
  readField,
  pickFirstResource,
  parseIsoTime,
  lookupIgnoringCase,
  toStringMap,
} from './alert-fields';

type Failure = Extract<ParseResult, { ok: false }>;

export function parseAzureMonitorAlert(body: unknown): ParseResult {
  const root = asObject(body);
  if (root === null) return fail('$', 'expected a JSON object');
  const data = asObject(readField(root, 'data'));
  if (data === null) return fail('data', 'missing or not an object');
  const essentials = asObject(readField(data, 'essentials'));
  if (essentials === null) return fail('data.essentials', 'missing or not an object');
  const alertId = asText(readField(essentials, 'alertId'));
  if (alertId === null) return fail('data.essentials.alertId', 'missing or not a string');
  const condition = parseMonitorCondition(readField(essentials, 'monitorCondition'));
  if (condition === null) return fail('data.essentials.monitorCondition', 'must be "Fired" or "Resolved"');
  const context = asObject(readField(data, 'alertContext'));
  const alert = azureAlert(alertId, condition, essentials, context);
  return { ok: true, kind: 'azure-monitor', alerts: [{ alert, payload: body }] };
}

function azureAlert(
  alertId: string,
  condition: MonitorCondition,
  essentials: JsonObject,
  context: JsonObject | null,
): AlertContext {
  const signalType = asText(readField(essentials, 'signalType'));
  const monitoringService = asText(readField(essentials, 'monitoringService'));
  const prometheus = isPrometheusSignal(signalType, monitoringService);
  const rule = asText(readField(essentials, 'alertRule'));
  const labels = { ...dimensions(context), ...(prometheus ? toStringMap(readField(context, 'labels')) : {}) };
  const annotations = toStringMap(readField(context, 'annotations'));
  const firedAt = parseIsoTime(readField(essentials, 'firedDateTime'));
  // A resolution time only means something on a Resolved alert; it also keys the resolution event.
  const resolvedAt = condition === 'Resolved' ? parseIsoTime(readField(essentials, 'resolvedDateTime')) : null;
  return {
    source: 'azure-monitor',
    alertId,
    rule,
    ruleName: prometheus && rule !== null ? (rule.split('/').pop() ?? rule) : rule,
    severity: severity(readField(essentials, 'severity')),
    signalType,
    monitoringService,
    monitorCondition: condition,
    firedAt,
    resolvedAt,
    resource: pickFirstResource([
      ...targetIds(readField(essentials, 'alertTargetIDs')),
      ...contextResourceIds(context, labels),
    ]),
    aks: readAksContext(labels, annotations),
    labels,
    annotations,
    idempotencyKey: `azure|${alertId}|${condition}|${resolvedAt ?? firedAt ?? ''}`,
  };
}

export function parseMonitorCondition(value: unknown): MonitorCondition | null {
  const text = asText(value)?.trim().toLowerCase();
  if (text === 'fired') return 'Fired';
  if (text === 'resolved') return 'Resolved';
  return null;
}

/** "Sev3" as sent; a bare 0–4 (number or digit) becomes "Sev<n>" so mappings see one spelling. */
function severity(value: unknown): string | null {
  const text = asText(value);
  return text !== null && /^[0-4]$/.test(text.trim()) ? `Sev${text.trim()}` : text;
}

/** Metric and log search V2 `condition.allOf[].dimensions[]`, and log V1 `Dimensions[]`; the first name wins. */
function dimensions(context: JsonObject | null): Record<string, string> {
  const condition = asObject(readField(context, 'condition'));
  const lists = asArray(readField(condition, 'allOf')).map((c) => asArray(readField(asObject(c), 'dimensions')));
  const entries: [string, string][] = [];
  for (const dim of [...lists.flat(), ...asArray(readField(context, 'Dimensions'))]) {
    const d = asObject(dim);
    const name = asText(readField(d, 'name'));
    const value = asText(readField(d, 'value'));
    if (name !== null && value !== null && !entries.some(([n]) => n === name)) entries.push([name, value]);
  }
  return Object.fromEntries(entries);
}

/** An array, a JSON-encoded array, or a lone id. */
function targetIds(value: unknown): readonly unknown[] {
  return typeof value === 'string' && !value.trim().startsWith('[') ? [value] : asArray(value);
}

/** Where the alert context names a resource: activity log scope and entity, autoscale, budget scope, labels. */
function contextResourceIds(context: JsonObject | null, labels: Readonly<Record<string, string>>): unknown[] {
  const properties = asObject(readField(context, 'properties'));
  const dataSources = asArray(readField(asObject(readField(context, 'SearchResults')), 'dataSources'));
  return [
    readField(asObject(readField(context, 'authorization')), 'scope'),
    readField(context, 'resourceId'),
    readField(context, 'ResourceId'),
    readField(properties, 'entity'),
    readField(properties, 'resourceId'),
    readField(properties, 'resourceName'),
    readField(asObject(readField(context, 'AlertData')), 'Scope'),
    ...RESOURCE_ID_LABELS.map((name) => lookupIgnoringCase(labels, name)),
    ...dataSources.map((s) => readField(asObject(s), 'resourceId')),
  ];
}

function fail(at: string, message: string): Failure {
  return { ok: false, field: at, message };
}
