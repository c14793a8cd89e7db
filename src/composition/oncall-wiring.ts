// On-call wiring: the notifier, budgets, page state, links and secrets that paging and approvals run on.
import { createBudgetTable } from '../adapters/budgets/budget-table';
import { createSlotTable } from '../adapters/concurrency/slot-table';
import { createNotifier } from '../adapters/oncall/opsgenie-client';
import { instrumentNotifier } from '../adapters/telemetry/instrumented-notifier';
import { NO_TELEMETRY, type Telemetry } from '../services/telemetry/ports';
import { createPageStateTable } from '../adapters/oncall/page-state-table';
import type { StorageClients } from '../adapters/shared/storage-clients';
import type { CloudoConfig } from '../config/load-config';
import { buildApprovalLinks } from '../domain/approvals/approval-link';
import { redact } from '../domain/shared/redact';
import { executionPath } from '../domain/shared/api-paths';
import { listConfiguredSecrets, type OncallConfig } from '../config/oncall-settings';
import type { OncallDeps } from '../services/runs/admitted-execution';
import type { ApprovalDeps } from '../services/approvals/decide-approval';
import type { DeliverDeps } from '../services/oncall/deliver-notifications';
import type { LinkBuilder, PageStateStore } from '../services/oncall/ports';
import type { TimerDeps } from '../services/oncall/oncall-timer';
import type { ExecutionStore, RunQueue } from '../services/runs/ports';
import type { Clock, Logger } from '../services/shared/ports';

export type OncallWiring = {
  readonly oncall: OncallDeps;
  readonly pages: PageStateStore;
  readonly secrets: readonly { name: string; value: string }[];
  approvalDeps(log: Logger): Omit<ApprovalDeps, 'audit' | 'accessOf'>;
  timerDeps(log: Logger): Omit<TimerDeps, 'audit'>;
};

type Parts = { executions: ExecutionStore; queue: RunQueue; clock: Clock };

// Long enough for one slow answer and a quick retry; the timer delivers whatever is still owed after that.
const DELIVERY_DEADLINE_FACTOR = 1.5;

export function wireOncall(
  config: CloudoConfig,
  storage: StorageClients,
  parts: Parts,
  publicUrl: () => string,
  telemetry: Pick<Telemetry, 'pageDeliveryFailed'> = NO_TELEMETRY,
): OncallWiring {
  const o = config.oncall;
  const notifier = instrumentNotifier(notifierFor(o), telemetry);
  const pages = createPageStateTable(storage.executions);
  const secrets = listConfiguredSecrets(o, config.storageConnection);
  const links = linkBuilder(publicUrl, o.approvalSecret);
  const deliver = (log: Logger): DeliverDeps => ({
    ...parts,
    notifier,
    pages,
    links,
    log,
    redact: (text) => redact(text, secrets),
    requestTimeoutMs: o.notifyTimeoutMs,
  });
  const channels = (partition: string) => notifier.channels(partition);
  const deadlineMs = o.notifyTimeoutMs * DELIVERY_DEADLINE_FACTOR;
  const oncall: OncallDeps = {
    admit: {
      budgets: createBudgetTable(storage.executions),
      slots: createSlotTable(storage.executions),
      approvalsEnabled: o.approvalSecret !== undefined,
      approvalTtlMinutes: o.approvalTtlMinutes,
    },
    channels,
    deliver,
    links,
    deadlineMs,
  };
  return {
    oncall,
    pages,
    secrets,
    approvalDeps: (log) => ({ ...deliver(log), queue: parts.queue, channels, secret: o.approvalSecret, deadlineMs }),
    timerDeps: (log) => ({ ...deliver(log), channels, approvalTtlMinutes: o.approvalTtlMinutes }),
  };
}

function notifierFor(o: OncallConfig) {
  return createNotifier({
    opsgenieUrl: o.opsgenieUrl,
    ...(o.opsgenieKey ? { defaultKey: o.opsgenieKey } : {}),
    partitionKeys: o.opsgenieKeys,
    ...(o.chatWebhookUrl ? { chatWebhookUrl: o.chatWebhookUrl } : {}),
    chatFormat: o.chatFormat,
    timeoutMs: o.notifyTimeoutMs,
  });
}

function linkBuilder(publicUrl: () => string, secret: string | undefined): LinkBuilder {
  return {
    execution: (execId) => `${publicUrl()}${executionPath(execId)}`,
    approvals: (e) =>
      e.status === 'pending_approval' && e.approval && secret
        ? buildApprovalLinks(publicUrl(), secret, e.execId, new Date(e.approval.expiresAt))
        : null,
  };
}
