// Defensive readers for untrusted alert JSON: objects, text, times, string maps and ARM resource ids.
import type { AlertResource } from './alert';

export type JsonObject = Readonly<Record<string, unknown>>;

// A JSON-encoded field larger than this is left undecoded; the whole body is already capped upstream.
const MAX_ENCODED_JSON = 262_144;
// Go's zero time.Time, which Alertmanager sends as endsAt for alerts that have not ended.
const GO_ZERO_TIME_MS = Date.UTC(1, 0, 1);

/** Labels that may carry the ARM id of the alerting resource, in both Azure Prometheus and Alertmanager alerts. */
export const RESOURCE_ID_LABELS = ['microsoft.resourceid', 'resource_id', 'resourceId'];

export const NO_RESOURCE: AlertResource = {
  id: null,
  resourceGroup: null,
  name: null,
  subscriptionId: null,
  type: null,
};

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only, so that keys like "constructor" never reach Object.prototype. */
export function readField(obj: JsonObject | null, key: string): unknown {
  return obj !== null && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** An object, or a string holding a JSON-encoded object (senders do both). */
export function asObject(value: unknown): JsonObject | null {
  const v = typeof value === 'string' ? decodeJson(value) : value;
  return isObject(v) ? v : null;
}

/** An array, or a string holding a JSON-encoded array. */
export function asArray(value: unknown): readonly unknown[] {
  const v = typeof value === 'string' ? decodeJson(value) : value;
  return Array.isArray(v) ? v : [];
}

function decodeJson(text: string): unknown {
  const t = text.trim();
  if (t.length > MAX_ENCODED_JSON || !(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** A non-blank string, or a finite number / boolean rendered as one; anything else is null. */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return String(value);
  return null;
}

/** ISO-8601 UTC, or null for anything that is not a valid time (including Go's zero time). */
export function parseIsoTime(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms) || ms <= GO_ZERO_TIME_MS) return null;
  return new Date(ms).toISOString();
}

/** String-valued entries of an object (or JSON-encoded object); numbers and booleans coerced, the rest dropped. */
export function toStringMap(value: unknown): Record<string, string> {
  const obj = asObject(value);
  if (obj === null) return {};
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const text = typeof v === 'string' ? v : asText(v);
    if (k !== '' && text !== null) entries.push([k, text]);
  }
  return Object.fromEntries(entries);
}

/** Looks a label up by name, ignoring case; an exact match wins. */
export function lookupIgnoringCase(map: Readonly<Record<string, string>>, name: string): string | null {
  if (Object.hasOwn(map, name)) return map[name] ?? null;
  const lower = name.toLowerCase();
  const key = Object.keys(map)
    .sort()
    .find((k) => k.toLowerCase() === lower);
  return key === undefined ? null : (map[key] ?? null);
}

/**
 * Parses `/subscriptions/<sub>[/resourceGroups/<rg>][/providers/<ns>/<type>/<name>[/<subtype>/<subname>]…]`,
 * case-insensitively. A subscription or resource-group scope parses with a null name and type.
 */
export function parseArmId(value: unknown): AlertResource | null {
  const raw = asText(value);
  if (raw === null || raw.length > 2048 || /[\p{Cc}]/u.test(raw)) return null;
  const id = raw.trim().replace(/\/+$/, '');
  const segments = id.split('/');
  if (segments[0] !== '' || segments.slice(1).some((s) => s === '')) return null;
  const [, subsWord, subscriptionId, rgWord, rgName] = segments;
  if (subsWord?.toLowerCase() !== 'subscriptions' || subscriptionId === undefined) return null;
  const hasRg = rgWord?.toLowerCase() === 'resourcegroups';
  if (hasRg && rgName === undefined) return null;
  const resourceGroup = hasRg ? (rgName ?? null) : null;
  const rest = segments.slice(hasRg ? 5 : 3);
  if (rest.length === 0) return { id, subscriptionId, resourceGroup, name: null, type: null };
  return providerResource(id, subscriptionId, resourceGroup, rest);
}

function providerResource(
  id: string,
  subscriptionId: string,
  resourceGroup: string | null,
  rest: readonly string[],
): AlertResource | null {
  if (rest[0]?.toLowerCase() !== 'providers') return null;
  // Extension resources nest another "/providers/…"; the innermost provider names the resource.
  const lastProviders = rest.findLastIndex((s, i) => i % 2 === 0 && s.toLowerCase() === 'providers');
  const tail = rest.slice(lastProviders + 1);
  if (tail.length < 3 || tail.length % 2 === 0) return null;
  const types = [tail[0], ...tail.filter((_, i) => i % 2 === 1)];
  return {
    id,
    subscriptionId,
    resourceGroup,
    name: tail[tail.length - 1] ?? null,
    type: types.join('/').toLowerCase(),
  };
}

/** The first full resource id among the candidates, else the first subscription or resource-group scope. */
export function pickFirstResource(candidates: readonly unknown[]): AlertResource {
  const parsed = candidates.map(parseArmId).filter((r): r is AlertResource => r !== null);
  return parsed.find((r) => r.type !== null) ?? parsed[0] ?? NO_RESOURCE;
}
