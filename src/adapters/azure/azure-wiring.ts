// Azure alert wiring: ARM resource ids, whether an action group's webhook reaches the app, and attaching action groups.
import { triggerPath } from '../../domain/shared/api-paths';

export type AlertRuleKind = 'metric-alert' | 'log-search-alert' | 'activity-log-alert';

export type ResourceId = {
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** Provider namespace and type, as written, e.g. "Microsoft.Insights/metricAlerts". */
  readonly type: string;
  readonly name: string;
};

// ARM compares provider, type and group names without regard to case.
const RULE_TYPES: Readonly<Record<string, AlertRuleKind>> = {
  'microsoft.insights/metricalerts': 'metric-alert',
  'microsoft.insights/scheduledqueryrules': 'log-search-alert',
  'microsoft.insights/activitylogalerts': 'activity-log-alert',
};
const ACTION_GROUP_TYPE = 'microsoft.insights/actiongroups';
const RESOURCE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)\/?$/i;

/** A top-level resource in a resource group; anything else (nested resources, bare groups) is not one we attach. */
export function parseResourceId(id: string): ResourceId | undefined {
  const m = RESOURCE_ID.exec(id.trim());
  if (!m) return undefined;
  const [, subscriptionId = '', resourceGroup = '', type = '', name = ''] = m;
  return { id: id.trim().replace(/\/$/, ''), subscriptionId, resourceGroup, type, name };
}

export function classifyAlertRule(r: ResourceId): AlertRuleKind | undefined {
  return RULE_TYPES[r.type.toLowerCase()];
}

export function isActionGroup(r: ResourceId): boolean {
  return r.type.toLowerCase() === ACTION_GROUP_TYPE;
}

export function isSameResourceId(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\/$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/** An action group reference on a rule; webhook properties exist on metric and activity log alerts only. */
export type RuleAction = {
  readonly actionGroupId: string;
  readonly webhookProperties?: Readonly<Record<string, string>>;
};

export type AppendResult =
  { readonly changed: false } | { readonly changed: true; readonly actions: readonly RuleAction[] };

/** Existing actions are kept as they are, in order; an action group already there is not added twice. */
export function appendAction(actions: readonly RuleAction[], actionGroupId: string): AppendResult {
  if (actions.some((a) => isSameResourceId(a.actionGroupId, actionGroupId))) return { changed: false };
  return { changed: true, actions: [...actions, { actionGroupId }] };
}

export type WebhookReceiver = {
  readonly name: string;
  readonly serviceUri: string;
  readonly useCommonAlertSchema: boolean;
};

export type Check = { readonly ok: boolean; readonly text: string };

export function checkLine(c: Check): string {
  return `${c.ok ? 'ok  ' : 'FAIL'} ${c.text}`;
}

/** The Trigger URL of the app at `appUrl`, without query; undefined when `appUrl` is not an http(s) URL. */
export function toTriggerUrl(appUrl: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    return undefined;
  }
  // The function key travels with every call: plain http only to this machine.
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return undefined;
  url.search = '';
  url.hash = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${triggerPath()}`;
  return url;
}

/** The receiver's URL for people: the function key in `code` never reaches a terminal or a log. */
export function formatDisplayUrl(serviceUri: string): string {
  const url = safeUrl(serviceUri);
  if (!url) return '(not a URL)';
  return `${url.origin}${url.pathname}${url.searchParams.has('code') ? '?code=…' : ''}`;
}

/** Whether the receiver posts to the app's Trigger, plain or restricted to a partition (`/api/Trigger/<partition>`). */
export function pointsAtTrigger(serviceUri: string, trigger: URL): boolean {
  const url = safeUrl(serviceUri);
  if (!url || url.origin.toLowerCase() !== trigger.origin.toLowerCase()) return false;
  // Function routes ignore case; a partition is one more path segment.
  const path = url.pathname.replace(/\/+$/, '').toLowerCase();
  const base = trigger.pathname.toLowerCase();
  return path === base || (path.startsWith(`${base}/`) && !path.slice(base.length + 1).includes('/'));
}

export function readFunctionKey(serviceUri: string): string | undefined {
  return safeUrl(serviceUri)?.searchParams.get('code') || undefined;
}

/** Checks for the receivers that point at the app; an empty `matching` is itself the failure. */
export function checkWebhooks(receivers: readonly WebhookReceiver[], trigger: URL): Check[] {
  const matching = receivers.filter((r) => pointsAtTrigger(r.serviceUri, trigger));
  if (matching.length === 0) {
    const seen = receivers.map((r) => `"${r.name}" → ${formatDisplayUrl(r.serviceUri)}`).join(', ') || 'none';
    return [{ ok: false, text: `no webhook receiver points at ${trigger.toString()} (webhook receivers: ${seen})` }];
  }
  return matching.flatMap((r) => [
    { ok: true, text: `webhook "${r.name}" points at ${formatDisplayUrl(r.serviceUri)}` },
    ...queryProblems(r),
    readFunctionKey(r.serviceUri)
      ? { ok: true, text: `webhook "${r.name}" carries a function key (?code=)` }
      : {
          ok: false,
          text: `webhook "${r.name}" has no ?code=<function key>: the Trigger requires one, Azure would get 401`,
        },
    r.useCommonAlertSchema
      ? { ok: true, text: `webhook "${r.name}" uses the common alert schema` }
      : {
          ok: false,
          text: `webhook "${r.name}" has useCommonAlertSchema off: ClouDO reads the common alert schema only`,
        },
  ]);
}

// `?id=` makes the Trigger run that one mapping by hand, and `?dry_run=` only previews: neither handles the alert.
function queryProblems(r: WebhookReceiver): Check[] {
  const params = safeUrl(r.serviceUri)?.searchParams;
  const bad = ['id', 'dry_run'].filter((p) => params?.has(p));
  if (bad.length === 0) return [];
  const which = bad.map((p) => `?${p}=`).join(' and ');
  return [{ ok: false, text: `webhook "${r.name}" has ${which}: the Trigger would not match the alert to mappings` }];
}

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}
