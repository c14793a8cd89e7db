// Alert rules whose @azure/arm-monitor 7 API versions are too old to round-trip: log search and activity log alerts.
import { z } from 'zod';
import type { ResourceId, RuleAction } from './azure-wiring';
import { ArmError, buildArmRequest, type ArmSend } from './arm-requests';

/** A rule's action groups as read, and how to write a new list back without touching anything else. */
export type RuleActions = {
  readonly actions: readonly RuleAction[];
  write(actions: readonly RuleAction[]): Promise<void>;
};

// The SDK's 2018-04-16 knows only the legacy `action.aznsAction`; rules made since 2021 keep `actions.actionGroups`.
export const LOG_SEARCH_API = '2023-12-01';
// The SDK's 2017-04-01 lacks `anyOf`/`containsAny` conditions: a round trip through its models would drop them.
export const ACTIVITY_LOG_API = '2020-10-01';

const logSearchRule = z.looseObject({
  properties: z.looseObject({
    actions: z.looseObject({ actionGroups: z.array(z.string()).optional() }).optional(),
  }),
});

const activityLogActionGroup = z.looseObject({
  actionGroupId: z.string(),
  webhookProperties: z.record(z.string(), z.string()).optional(),
});
type ActivityLogActionGroup = z.infer<typeof activityLogActionGroup>;

const activityLogAlert = z.looseObject({
  properties: z.looseObject({
    actions: z.looseObject({ actionGroups: z.array(activityLogActionGroup).optional() }).optional(),
  }),
});

export function toResourcePath(r: ResourceId): string {
  const enc = encodeURIComponent;
  return `/subscriptions/${enc(r.subscriptionId)}/resourceGroups/${enc(r.resourceGroup)}/providers/${r.type}/${enc(r.name)}`;
}

export async function logSearchRuleActions(send: ArmSend, rule: ResourceId): Promise<RuleActions> {
  const path = toResourcePath(rule);
  const current = parse(logSearchRule, (await buildArmRequest(send, 'GET', path, LOG_SEARCH_API)).body, rule);
  const existing = current.properties.actions ?? {};
  return {
    actions: (existing.actionGroups ?? []).map((actionGroupId) => ({ actionGroupId })),
    write: async (actions) => {
      // The whole `actions` object goes back: custom and action properties stay as they were.
      const body = { properties: { actions: { ...existing, actionGroups: actions.map((a) => a.actionGroupId) } } };
      await buildArmRequest(send, 'PATCH', path, LOG_SEARCH_API, body);
    },
  };
}

export async function readActivityLogAlertActions(send: ArmSend, rule: ResourceId): Promise<RuleActions> {
  const path = toResourcePath(rule);
  const current = parse(activityLogAlert, (await buildArmRequest(send, 'GET', path, ACTIVITY_LOG_API)).body, rule);
  const existing = current.properties.actions ?? {};
  const originals = existing.actionGroups ?? [];
  return {
    actions: originals.map((a) => ({
      actionGroupId: a.actionGroupId,
      ...(a.webhookProperties ? { webhookProperties: a.webhookProperties } : {}),
    })),
    write: async (actions) => {
      const actionGroups = keepOriginals(originals, actions, (a) => a.actionGroupId, toActivityLog);
      const properties = { ...current.properties, actions: { ...existing, actionGroups } };
      // This API's PATCH takes tags and `enabled` only: the rule goes back whole, as read.
      await buildArmRequest(send, 'PUT', path, ACTIVITY_LOG_API, { ...current, properties });
    },
  };
}

/** Each action that was already there is written back exactly as read, unknown fields included. */
export function keepOriginals<T>(
  originals: readonly T[],
  actions: readonly RuleAction[],
  idOf: (t: T) => string | undefined,
  make: (a: RuleAction) => T,
): T[] {
  return actions.map((a) => originals.find((o) => idOf(o) === a.actionGroupId) ?? make(a));
}

function toActivityLog(a: RuleAction): ActivityLogActionGroup {
  return { actionGroupId: a.actionGroupId, ...(a.webhookProperties ? { webhookProperties: a.webhookProperties } : {}) };
}

function parse<T>(schema: z.ZodType<T>, body: unknown, rule: ResourceId): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || 'body';
  throw new ArmError(
    undefined,
    'UnexpectedShape',
    `${rule.id}: unexpected answer from Azure at ${where}: ${issue?.message}`,
  );
}
