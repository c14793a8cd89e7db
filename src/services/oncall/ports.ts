// On-call ports: what paging, approvals and budgets need from the outside world; adapters implement them.
import type { BudgetUse } from '../../domain/budgets/budget';
import type { Execution } from '../../domain/runs/execution';
import type { DeliveryResult } from '../../domain/oncall/notification';
import type { OpsgenieAlert } from '../../domain/oncall/page-alert';
import type { OpsgenieClose } from '../../domain/oncall/page-text';

/** Outbound notifications. Never throws: every answer, timeout or network failure is a DeliveryResult. */
export type Notifier = {
  /** Whether an Opsgenie key (default or the partition's) and a chat webhook are configured. */
  channels(partition: string): { readonly opsgenie: boolean; readonly chat: boolean };
  createAlert(partition: string, alert: OpsgenieAlert): Promise<DeliveryResult>;
  closeAlert(partition: string, alias: string, close: OpsgenieClose): Promise<DeliveryResult>;
  postChat(text: string): Promise<DeliveryResult>;
};

export type BudgetTake =
  | { readonly ok: true; readonly release: () => Promise<void> }
  | { readonly ok: false; readonly recent: readonly BudgetUse[] };

/** Sliding-window run budgets, durable and exact across instances (conditional writes). */
export type BudgetStore = {
  /** Spends one of `count` runs in the window ending now for `execId`; refuses, with the runs in the window, when none is left. */
  take(key: string, count: number, windowSeconds: number, execId: string, now: Date): Promise<BudgetTake>;
};

/** Which Opsgenie aliases ClouDO has opened and not yet closed, so a success closes only what is open. */
export type PageStateStore = {
  isOpen(alias: string): Promise<boolean>;
  /** The last state written and the execution that wrote it; null when ClouDO never paged this alias. */
  read(alias: string): Promise<{ readonly open: boolean; readonly execId: string } | null>;
  markOpen(alias: string, execId: string, now: Date): Promise<void>;
  markClosed(alias: string, execId: string, now: Date): Promise<void>;
};

/** Links in pages and answers: absolute on CLOUDO_PUBLIC_URL when known. */
export type LinkBuilder = {
  execution(execId: string): string;
  /** Signed approve and reject links of a run waiting for approval; null for any other run. */
  approvals(e: Execution): { readonly approve: string; readonly reject: string } | null;
};
