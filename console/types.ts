// The API's answers as the console reads them: the fields it shows, named as the JSON names them.
import { EXECUTION_STATUSES, TRIGGER_KINDS, type ExecutionStatus } from '../src/domain/runs/execution-status';

// The domain's own vocabulary: one list of statuses and trigger kinds for the server and the console.
export type Status = ExecutionStatus;
export const STATUSES: readonly Status[] = EXECUTION_STATUSES;
export const TRIGGERS = TRIGGER_KINDS;

export type Rights = { read: boolean; run: boolean; cancel: boolean; approve: boolean; audit: 'all' | 'own' | 'none' };
export type Me = { id: string; name: string; kind: string; roles: string[]; auth: string; rights: Rights };

export type MappingRef = { partition_key: string; id: string; name?: string | null };

export type ParamView = {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'enum';
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
  required: boolean;
  default?: string | number | boolean;
  secret: boolean;
  description?: string;
};

export type MappingView = {
  mapping: MappingRef;
  description?: string;
  runbook: string;
  enabled: boolean;
  triggers: string[];
  match: string[];
  params: ParamView[];
  schedule: { cron: string; timezone: string; next: string[] } | null;
  oncall: Record<string, unknown> | null;
  approval: { required: boolean; on_budget_exceeded: string; four_eyes: boolean; approvers: string[] | null } | null;
  /** `used` and `remaining` only on one mapping's page, and null for per-resource budgets. */
  budget: { count: number; window: number; per: string; used?: number | null; remaining?: number | null } | null;
  /** `running` (execution ids) and `waiting` only on one mapping's page. */
  concurrency: { limit: number; per: string; on_busy: string; running?: string[]; waiting?: number } | null;
  may: { run: boolean; approve: boolean };
  lastRun: { execId: string; status: Status; requestedAt: string } | null;
};

export type Notification = {
  channel: string;
  action: string;
  kind: string;
  state: string;
  attempts: number;
  createdAt: string;
  sentAt?: string;
  lastError?: string;
};

export type Execution = {
  execId: string;
  status: Status;
  mapping: MappingRef;
  runbook: string;
  trigger: string;
  alert: Record<string, unknown> | null;
  timeoutSeconds: number;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  exitCode: number | null;
  signal: string | null;
  outputBytes: number | null;
  outputTruncated: boolean;
  error: string | null;
  requestedBy: string | null;
  approval: { expiresAt: string; because: string; fourEyes: boolean; decidedBy?: string; decidedAt?: string } | null;
  budget: Record<string, unknown> | null;
  notifications: Notification[];
  params: Record<string, string> | null;
  cancel: { requestedBy: string; reason: string | null; requestedAt: string } | null;
  scheduledFor: string | null;
  concurrency: { limit: number; per: string; on_busy: string } | null;
  waiting: { reason: string; since: string } | null;
  requester: { id: string; name: string; kind: string } | null;
  runbookSha256: string | null;
  appVersion: string | null;
  output?: string | null;
  links: { self: string; output?: string; approve?: string; reject?: string };
};

export type Page<T> = { items: T[]; continuation: string | null };

export type Overview = {
  since: string;
  runs: { total: number; byStatus: Partial<Record<Status, number>>; failureRate: number; capped: boolean };
  waitingApproval: number;
  throttled: number;
  skipped: number;
  stuck: number;
  poisonMessages: { total: number; queues: { name: string; count: number }[] };
  unmatchedAlerts: number;
  health: { tables: string; queues: string };
  oncall: { owed: number; failing: number; oldestOwedAt: string | null };
};

export type Unmatched = {
  key?: string;
  receivedAt: string;
  source: string;
  alertId: string;
  rule: string | null;
  monitorCondition: string | null;
  partition: string | null;
  links?: { dryRun?: string };
};
