// Azure Monitor access, the only importer of @azure/arm-monitor: a small port over action groups and alert rules.
import { MonitorClient, type MetricAlertAction, type MonitorClientOptionalParams } from '@azure/arm-monitor';
import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import type { AlertRuleKind, ResourceId, WebhookReceiver } from './azure-wiring';
import { callArm, buildArmRequest, followLocation, type ArmSend } from './arm-requests';
import { readActivityLogAlertActions, keepOriginals, logSearchRuleActions, type RuleActions } from './arm-rules';

export type { RuleActions } from './arm-rules';
export type ArmHttpClient = NonNullable<MonitorClientOptionalParams['httpClient']>;

export type MonitorOptions = {
  readonly credential: TokenCredential;
  /** Tests serve recorded ARM answers through this; production uses the SDK's default client. */
  readonly httpClient?: ArmHttpClient;
  /** Overrides Retry-After between polls of the test notification (tests). */
  readonly pollDelayMs?: number;
};

/** A webhook receiver as Azure holds it, AAD settings included, so a test notification reproduces it exactly. */
export type ArmWebhookReceiver = WebhookReceiver & {
  readonly useAadAuth?: boolean;
  readonly objectId?: string;
  readonly identifierUri?: string;
  readonly tenantId?: string;
};

export type ActionGroupView = {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly webhooks: readonly ArmWebhookReceiver[];
};

export type NotificationDetail = {
  readonly name: string;
  readonly mechanism: string;
  readonly status: string;
  readonly detail: string | undefined;
};
export type TestNotificationResult = { readonly state: string; readonly details: readonly NotificationDetail[] };

export type MonitorPort = {
  getActionGroup(resourceGroup: string, name: string): Promise<ActionGroupView>;
  /** Sends a test alert of `alertType` to the given receivers only: nobody on the group's e-mail or SMS lists. */
  sendTestNotification(
    resourceGroup: string,
    name: string,
    alertType: string,
    webhooks: readonly ArmWebhookReceiver[],
  ): Promise<TestNotificationResult>;
  ruleActions(rule: ResourceId, kind: AlertRuleKind): Promise<RuleActions>;
};

// The SDK's test notification goes to the subscription-level `createNotifications`, which the service has retired;
// the action group's own endpoint exists at the SDK's action group API version.
const ACTION_GROUP_API = '2021-09-01';
const MAX_POLLS = 60;

const notificationStatus = z.object({
  state: z.string(),
  actionDetails: z
    .array(
      z.object({
        name: z.string().optional(),
        mechanismType: z.string().optional(),
        status: z.string().optional(),
        detail: z.string().optional(),
      }),
    )
    .optional(),
});

export function createMonitor(subscriptionId: string, opts: MonitorOptions): MonitorPort {
  const client = new MonitorClient(
    opts.credential,
    subscriptionId,
    opts.httpClient ? { httpClient: opts.httpClient } : {},
  );
  const send: ArmSend = (request) => client.sendRequest(request);
  return {
    getActionGroup: async (resourceGroup, name) => {
      const group = await callArm(() => client.actionGroups.get(resourceGroup, name));
      return {
        id: group.id ?? '',
        name: group.name ?? name,
        enabled: group.enabled !== false,
        webhooks: (group.webhookReceivers ?? []).map((w) => ({
          ...w,
          useCommonAlertSchema: w.useCommonAlertSchema ?? false,
        })),
      };
    },
    sendTestNotification: async (resourceGroup, name, alertType, webhooks) => {
      const path = `/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(resourceGroup)}/providers/Microsoft.Insights/actionGroups/${enc(name)}/createNotifications`;
      const accepted = await buildArmRequest(send, 'POST', path, ACTION_GROUP_API, {
        alertType,
        webhookReceivers: webhooks,
      });
      const done = await followLocation(send, accepted, { maxPolls: MAX_POLLS, delayMs: opts.pollDelayMs });
      return toResult(done.status, done.body);
    },
    ruleActions: (rule, kind) => {
      if (kind === 'log-search-alert') return logSearchRuleActions(send, rule);
      if (kind === 'activity-log-alert') return readActivityLogAlertActions(send, rule);
      return metricAlertActions(client, rule);
    },
  };
}

async function metricAlertActions(client: MonitorClient, rule: ResourceId): Promise<RuleActions> {
  const current = await callArm(() => client.metricAlerts.get(rule.resourceGroup, rule.name));
  const originals = current.actions ?? [];
  return {
    actions: originals.map((a) => ({
      actionGroupId: a.actionGroupId ?? '',
      ...(a.webHookProperties ? { webhookProperties: a.webHookProperties } : {}),
    })),
    write: async (actions) => {
      const merged = keepOriginals<MetricAlertAction>(
        originals,
        actions,
        (a) => a.actionGroupId,
        (a) => ({
          actionGroupId: a.actionGroupId,
          ...(a.webhookProperties ? { webHookProperties: { ...a.webhookProperties } } : {}),
        }),
      );
      // PATCH with `actions` alone: criteria, scopes and the rest are not sent, so cannot be changed by accident.
      await callArm(() => client.metricAlerts.update(rule.resourceGroup, rule.name, { actions: merged }));
    },
  };
}

function toResult(status: number, body: unknown): TestNotificationResult {
  const parsed = notificationStatus.safeParse(body);
  if (!parsed.success) return { state: status === 202 ? 'Accepted' : `HTTP ${status}`, details: [] };
  const details = (parsed.data.actionDetails ?? []).map((d) => ({
    name: d.name ?? '?',
    mechanism: d.mechanismType ?? '?',
    status: d.status ?? '?',
    detail: d.detail,
  }));
  return { state: parsed.data.state, details };
}

const enc = encodeURIComponent;
