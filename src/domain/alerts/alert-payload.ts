// Alert webhook ingestion: which sender a body comes from, and its parse into one AlertContext per alert.
import type { ParseResult, PayloadKind } from './alert';
import { readField, isObject } from './alert-fields';
import { parseAlertmanagerWebhook } from './alertmanager-alert';
import { parseAzureMonitorAlert } from './azure-monitor-alert';

const AZURE_SCHEMA_ID = 'azureMonitorCommonAlertSchema';

export function detectPayloadKind(body: unknown): PayloadKind {
  if (!isObject(body)) return 'unknown';
  if (readField(body, 'schemaId') === AZURE_SCHEMA_ID) return 'azure-monitor';
  const data = readField(body, 'data');
  if (isObject(data) && Object.hasOwn(data, 'essentials')) return 'azure-monitor';
  if (isAlertmanagerVersion(body) && Array.isArray(readField(body, 'alerts'))) return 'alertmanager';
  return 'unknown';
}

/** Never throws: an unusable body yields `ok: false` naming the field at fault. */
export function parseAlertPayload(body: unknown): ParseResult {
  try {
    const kind = detectPayloadKind(body);
    if (kind === 'azure-monitor') return parseAzureMonitorAlert(body);
    // A v4 body whose `alerts` is not an array still gets Alertmanager's precise error.
    if (kind === 'alertmanager' || (isObject(body) && isAlertmanagerVersion(body))) {
      return parseAlertmanagerWebhook(body);
    }
    return {
      ok: false,
      field: '$',
      message: `not an alert: expected schemaId "${AZURE_SCHEMA_ID}" (Azure Monitor) or version "4" with alerts[] (Alertmanager)`,
    };
  } catch {
    // The parsers are written not to throw; this only keeps exotic values (getters, proxies) from crashing a request.
    return { ok: false, field: '$', message: 'unreadable payload' };
  }
}

function isAlertmanagerVersion(body: Readonly<Record<string, unknown>>): boolean {
  const version = readField(body, 'version');
  return version === '4' || version === 4;
}
