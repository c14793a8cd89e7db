// Service groups: what each entry point may call, one group per function, so a handler sees only its own use cases.
import type { ApprovalAction, Decider } from '../domain/approvals/approval';
import type { Execution } from '../domain/runs/execution';
import type { IngestReport } from '../services/alerts/ingest-alerts';
import type { UnmatchedRecord } from '../services/alerts/ports';
import type { PayloadPreview } from '../services/alerts/preview-alerts';
import type { LinkInput } from '../services/approvals/decide-approval';
import type { HealthReport } from '../services/health/check-health';
import type { IntakeOutcome } from '../services/intake/handle-intake-message';
import type { ExecutionFilter, ListResult } from '../services/runs/query-executions';
import type { AcceptedRun, RunRequest } from '../services/runs/request-run';
import type { RunPreview } from '../services/runs/preview-run';
import type { SweepReport } from '../services/runs/sweep';
import type { CancelAsk } from '../services/runs/cancel-execution';
import type { OutputSlice } from '../services/runs/read-output';
import type { ScheduleReport } from '../services/schedules/fire-schedules';
import type { ScheduleView } from '../services/schedules/list-schedules';
import type { Logger } from '../services/shared/ports';
import type { Caller } from '../domain/identity/caller';
import type { RequestOrigin } from '../domain/audit/audit-record';
import type { AuditPage, AuditQuery } from '../services/audit/ports';
import type { AuditEntry } from '../services/audit/audit-trail';
import type { DeliveredMessage, HandleOutcome } from '../services/worker/handle-run-message';
import type { MappingDetail } from '../services/mappings/list-mappings';
import type { MappingView } from '../services/mappings/mapping-view';
import type { Overview } from '../services/overview/read-overview';
import type { HealthSample, Telemetry } from '../services/telemetry/ports';

/** /api/Trigger. Requests and alerts pass the admission gate: 429 (overloaded) when shedding load. */
export type TriggerServices = {
  requestRun(req: RunRequest, log: Logger): Promise<AcceptedRun>;
  ingestAlerts(body: unknown, partition: string | undefined, log: Logger): Promise<IngestReport>;
  /** Dry run of a manual request: its parameters checked, the environment shown; records and runs nothing. */
  previewRun(req: RunRequest): Promise<RunPreview>;
  /** Dry run: what the payload would do; records and runs nothing. */
  previewAlerts(body: unknown, partition: string | undefined): Promise<PayloadPreview>;
};

/** /api/logs. */
export type ExecutionReads = {
  list(filter: ExecutionFilter): Promise<ListResult>;
  get(execId: string): Promise<Execution>;
  /** The output after a byte offset, and whether the run is over (/api/logs/{execId}/output). */
  readOutput(execId: string, offset: number): Promise<OutputSlice>;
  /** Everything written so far by a run still going, with markers where the cap cut it. */
  outputSoFar(execId: string): Promise<string>;
  /** Signed approve/reject links of a run waiting for approval, for key holders (the CLI); null otherwise. */
  approvalLinks(e: Execution): { readonly approve: string; readonly reject: string } | null;
};

/** POST /api/logs/{execId}/cancel. */
export type RunControl = { cancel(ask: CancelAsk, log: Logger): Promise<Execution> };

/** /api/alerts/unmatched, and the dry run of one against today's mappings. */
export type UnmatchedReads = {
  list(limit: number): Promise<UnmatchedRecord[]>;
  dryRun(key: string): Promise<PayloadPreview>;
};

/** /api/approvals: the page a signed link opens, and the decision it posts. */
export type ApprovalServices = {
  view(link: LinkInput): Promise<{ execution: Execution; action: ApprovalAction }>;
  decide(link: LinkInput, by: Decider, log: Logger, origin?: RequestOrigin): Promise<Execution>;
};

/** The Intake queue function. */
export type IntakeServices = { handleMessage(msg: DeliveredMessage, log: Logger): Promise<IntakeOutcome> };

/** The worker pools' queue functions. */
export type WorkerServices = { handleRunMessage(msg: DeliveredMessage, log: Logger): Promise<HandleOutcome> };

/** The Sweeper timer: ends lost runs, sends stranded and poisoned ones again, prunes past CLOUDO_RETENTION_DAYS. */
export type SweeperServices = { sweep(log: Logger): Promise<SweepReport> };

/** GET /api/schedules. */
export type ScheduleReads = { list(): Promise<ScheduleView[]> };

/** The Scheduler timer: records the run of every scheduled mapping whose slot is due, once across instances. */
export type SchedulerServices = { tick(log: Logger): Promise<ScheduleReport> };

/** The Notifier timer: expires approvals nobody decided, then retries owed notifications; returns how many. */
export type NotifierServices = { run(log: Logger): Promise<{ expired: number; retried: number }> };

/** GET /api/audit, and the access-denied records every guarded route writes. */
export type AuditServices = {
  read(caller: Caller, query: AuditQuery): Promise<AuditPage>;
  /** Appends a record; throws when storage refuses it (the action it records must then not happen). */
  write(entry: AuditEntry): Promise<void>;
};

/** GET /api/mappings[/{partition}/{id}]: what each mapping does and whether the caller may run or approve it. */
export type MappingReads = {
  list(caller: Caller): Promise<MappingView[]>;
  get(caller: Caller, partition: string, id: string): Promise<MappingDetail>;
};

/** GET /api/overview: the last `hours` at a glance, every count bounded. */
export type OverviewReads = {
  read(hours: number): Promise<Overview>;
  /** The health gauges now, for the metrics (the Sweeper calls it every run). */
  sampleHealth(): Promise<HealthSample>;
};

/** GET /api/metrics, and what the HTTP layer reports of every answer. */
export type TelemetryServices = Pick<Telemetry, 'responded'> & { metricsText(): Promise<string> };

/** /api/health: tables and queues probed in parallel within a short bound; never throws. */
export type HealthServices = { check(): Promise<HealthReport> };

export type AppServices = {
  readonly audit: AuditServices;
  readonly trigger: TriggerServices;
  readonly executions: ExecutionReads;
  readonly control: RunControl;
  readonly unmatched: UnmatchedReads;
  readonly approvals: ApprovalServices;
  readonly intake: IntakeServices;
  readonly worker: WorkerServices;
  readonly sweeper: SweeperServices;
  readonly scheduler: SchedulerServices;
  readonly schedules: ScheduleReads;
  readonly notifier: NotifierServices;
  readonly health: HealthServices;
  readonly mappings: MappingReads;
  readonly overview: OverviewReads;
  readonly telemetry: TelemetryServices;
};

/** Services are built on first use (a cold start touches no storage before a request needs it). */
export type Provide<K extends keyof AppServices> = () => AppServices[K];
