// Alert context: what ClouDO keeps of one alert event, whichever sender it came from.
import { z } from 'zod';
import { sha256Hex } from '../shared/hash';

export type AlertSource = 'azure-monitor' | 'alertmanager';
export type MonitorCondition = 'Fired' | 'Resolved';

export type AlertResource = {
  /** The first ARM resource id found (alertTargetIDs, a `microsoft.resourceid` label, or the alert context). */
  readonly id: string | null;
  readonly resourceGroup: string | null;
  readonly name: string | null;
  readonly subscriptionId: string | null;
  /** Provider and type, lower case, e.g. "microsoft.compute/virtualmachines". */
  readonly type: string | null;
};

export type AksContext = {
  readonly namespace: string | null;
  readonly pod: string | null;
  readonly deployment: string | null;
  /** The Kubernetes Job (job_name / kubernetes_job_name), never Prometheus's scrape `job` label. */
  readonly job: string | null;
  readonly hpa: string | null;
};

export type AlertContext = {
  readonly source: AlertSource;
  /** Azure `alertId`, or the Alertmanager `fingerprint`. */
  readonly alertId: string;
  /** The rule as sent: Azure `alertRule` (managed Prometheus: "<group>/<alert>"), or the `alertname` label. */
  readonly rule: string | null;
  /** The name a mapping id is compared with: the alert name after the "/" for Prometheus rules, else `rule`. */
  readonly ruleName: string | null;
  /** "Sev0".."Sev4" for Azure; the `severity` label for Alertmanager. */
  readonly severity: string | null;
  /** Azure signalType ("Metric", "Log", "Activity Log", …); "Prometheus" for Alertmanager. */
  readonly signalType: string | null;
  readonly monitoringService: string | null;
  readonly monitorCondition: MonitorCondition;
  /** ISO-8601 UTC. */
  readonly firedAt: string | null;
  readonly resolvedAt: string | null;
  readonly resource: AlertResource;
  readonly aks: AksContext;
  /** Alert labels (Alertmanager, Prometheus) and log/metric alert dimensions. */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Same alert event ⇒ same key: alertId + condition + fired/resolved time, or fingerprint + status + startsAt. */
  readonly idempotencyKey: string;
};

/** One alert out of a webhook, with the JSON a runbook receives in CLOUDO_ALERT_FILE. */
export type ParsedAlert = { readonly alert: AlertContext; readonly payload: unknown };

export type PayloadKind = AlertSource | 'unknown';

export type ParseResult =
  | { readonly ok: true; readonly kind: AlertSource; readonly alerts: readonly ParsedAlert[] }
  | { readonly ok: false; readonly field: string; readonly message: string };

const text = z.string().nullable();
const record = z.record(z.string(), z.string());

/** For reading a stored alert context back: ClouDO wrote it, but storage is still a boundary. */
export const alertContextObject = z.object({
  source: z.enum(['azure-monitor', 'alertmanager']),
  alertId: z.string(),
  rule: text,
  ruleName: text,
  severity: text,
  signalType: text,
  monitoringService: text,
  monitorCondition: z.enum(['Fired', 'Resolved']),
  firedAt: text,
  resolvedAt: text,
  resource: z.object({ id: text, resourceGroup: text, name: text, subscriptionId: text, type: text }),
  aks: z.object({ namespace: text, pod: text, deployment: text, job: text, hpa: text }),
  labels: record,
  annotations: record,
  idempotencyKey: z.string(),
});
export const alertContextSchema: z.ZodType<AlertContext> = alertContextObject;

// Worst case, every character doubles in JSON (a quote or backslash; the control characters that would take six are
// removed): 2 × 32 × (128 + 512) × 2 for labels and annotations plus 17 scalars of 512 × 2 stays near 100,000
// characters, inside the 120,000 a record keeps for its alert, whatever the sender put in.
const MAX_ENTRIES = 32;
const MAX_KEY = 128;
const MAX_VALUE = 512;
const MAX_SCALAR = 512;
// eslint-disable-next-line no-control-regex -- the control characters JSON escapes as \uXXXX; newlines and tabs stay
const RARE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const clean = (v: string, max: number) => v.replace(RARE_CONTROL, ' ').slice(0, max);

/** What is stored of an alert: every field bounded, long keys hashed; the full payload is kept apart. */
export function boundAlert(alert: AlertContext): AlertContext {
  const cut = (v: string | null) => (v === null ? null : clean(v, MAX_SCALAR));
  return {
    ...alert,
    alertId: clean(alert.alertId, MAX_SCALAR),
    rule: cut(alert.rule),
    ruleName: cut(alert.ruleName),
    severity: cut(alert.severity),
    signalType: cut(alert.signalType),
    monitoringService: cut(alert.monitoringService),
    resource: mapValues(alert.resource, cut),
    aks: mapValues(alert.aks, cut),
    labels: boundRecord(alert.labels),
    annotations: boundRecord(alert.annotations),
    idempotencyKey: compactKey(alert.idempotencyKey),
  };
}

/** Keys come from senders and may be long; a hash keeps them storable and still equal for equal events. */
export function compactKey(key: string): string {
  return key.length <= MAX_SCALAR ? key : `sha256:${sha256Hex(key)}`;
}

function mapValues<T extends Record<string, string | null>>(o: T, f: (v: string | null) => string | null): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) as T;
}

function boundRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  const entries = Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, MAX_ENTRIES);
  return Object.fromEntries(entries.map(([k, v]) => [clean(k, MAX_KEY), clean(v, MAX_VALUE)]));
}
