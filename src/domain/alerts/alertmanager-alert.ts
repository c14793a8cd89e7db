// Alertmanager webhook (version "4") → one AlertContext per alert in `alerts[]`.
import type { AlertContext, ParsedAlert, ParseResult } from './alert';
import { readAksContext } from './alert-env';
import { sha256Hex } from '../shared/hash';
import type { JsonObject } from './alert-fields';
import {
  RESOURCE_ID_LABELS,
  asObject,
  asText,
  readField,
  pickFirstResource,
  isObject,
  parseIsoTime,
  lookupIgnoringCase,
  toStringMap,
} from './alert-fields';

type AlertStatus = 'firing' | 'resolved';

export function parseAlertmanagerWebhook(body: unknown): ParseResult {
  const root = asObject(body);
  if (root === null) return { ok: false, field: '$', message: 'expected a JSON object' };
  const alerts = readField(root, 'alerts');
  if (!Array.isArray(alerts)) return { ok: false, field: 'alerts', message: 'missing or not an array' };
  const groupStatus = status(readField(root, 'status'));
  const parsed: ParsedAlert[] = [];
  for (const item of alerts) {
    // One unusable alert must not cost the others their runs: it is skipped.
    const alert = isObject(item) ? alertmanagerAlert(item, groupStatus) : null;
    if (alert !== null) parsed.push({ alert, payload: { ...root, alerts: [item] } });
  }
  if (alerts.length > 0 && parsed.length === 0) {
    return {
      ok: false,
      field: 'alerts',
      message: 'no usable alert: each must be an object with status firing|resolved',
    };
  }
  return { ok: true, kind: 'alertmanager', alerts: parsed };
}

function alertmanagerAlert(item: JsonObject, groupStatus: AlertStatus | null): AlertContext | null {
  // An alert without its own status inherits the group's; one with an unknown status is unusable.
  const alertStatus = readField(item, 'status') === undefined ? groupStatus : status(readField(item, 'status'));
  if (alertStatus === null) return null;
  const labels = toStringMap(readField(item, 'labels'));
  const annotations = toStringMap(readField(item, 'annotations'));
  const fingerprint = asText(readField(item, 'fingerprint')) ?? derivedFingerprint(labels);
  const startsAt = asText(readField(item, 'startsAt')) ?? '';
  const rule = labels['alertname'] ?? null;
  return {
    source: 'alertmanager',
    alertId: fingerprint,
    rule,
    ruleName: rule,
    severity: labels['severity'] ?? null,
    signalType: 'Prometheus',
    monitoringService: null,
    monitorCondition: alertStatus === 'firing' ? 'Fired' : 'Resolved',
    firedAt: parseIsoTime(readField(item, 'startsAt')),
    resolvedAt: alertStatus === 'resolved' ? parseIsoTime(readField(item, 'endsAt')) : null,
    resource: pickFirstResource(RESOURCE_ID_LABELS.map((name) => lookupIgnoringCase(labels, name))),
    aks: readAksContext(labels, annotations),
    labels,
    annotations,
    idempotencyKey: `alertmanager|${fingerprint}|${alertStatus}|${startsAt}`,
  };
}

function status(value: unknown): AlertStatus | null {
  const text = asText(value)?.trim().toLowerCase();
  return text === 'firing' || text === 'resolved' ? text : null;
}

/** Stable across deliveries: the label set identifies an Alertmanager alert, so its sorted JSON is hashed. */
function derivedFingerprint(labels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return `derived-${sha256Hex(JSON.stringify(sorted)).slice(0, 16)}`;
}
