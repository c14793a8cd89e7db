// Composition root: wires adapters into the use cases, once per process, from the validated configuration.
import { createAlertRecords } from '../adapters/alerts/alert-records';
import { systemClock } from '../adapters/shared/clock';
import { createExecutionTable } from '../adapters/runs/execution-table';
import { createIndexUpgrade } from '../adapters/runs/index-upgrade';
import { instrumentExecutionStore } from '../adapters/telemetry/instrumented-execution-store';
import { processTelemetry } from './telemetry-wiring';
import { createMappingTable } from '../adapters/mappings/mapping-table';
import { createRunQueue } from '../adapters/runs/run-queue';
import { createAuditTable } from '../adapters/audit/audit-table';
import { resolveRunbook } from '../adapters/worker/runbook-resolver';
import { appVersionOf } from '../adapters/shared/app-version';
import { readAudit, writeAudit, type AuditDeps } from '../services/audit/audit-trail';
import { NO_ACCESS_LIST } from '../domain/identity/mapping-access';
import type { Execution } from '../domain/runs/execution';
import { createOutputLog } from '../adapters/runs/output-log';
import { ensureTables, type StorageClients } from '../adapters/shared/storage-clients';
import { createHealthProbes } from '../adapters/health/storage-probes';
import { connect } from './admin-wiring';
import { wireMappingReads, wireOverview, type ConsoleParts } from './console-wiring';
import { callStorage } from '../adapters/shared/storage-errors';
import type { CloudoConfig } from '../config/load-config';
import type { AppServices } from './service-groups';
import { queueNameForPool } from '../domain/runs/run-message';
import { createAdmissionGate } from '../services/runs/admission-gate';
import { handleIntakeMessage } from '../services/intake/handle-intake-message';
import { createRunnerPorts, buildRunnerSettings } from './runner-wiring';
import { wireOncall, type OncallWiring } from './oncall-wiring';
import { decideApproval, viewApproval } from '../services/approvals/decide-approval';
import { expireApprovals, retryNotifications } from '../services/oncall/oncall-timer';
import { checkHealth } from '../services/health/check-health';
import { handleRunMessage } from '../services/worker/handle-run-message';
import { ingestAlerts } from '../services/alerts/ingest-alerts';
import type { MappingStore } from '../services/mappings/ports';
import type { Logger } from '../services/shared/ports';
import { previewAlerts } from '../services/alerts/preview-alerts';
import { dryRunUnmatched } from '../services/alerts/dry-run-unmatched';
import { getExecution, listExecutions } from '../services/runs/query-executions';
import { requestRun } from '../services/runs/request-run';
import { previewRun } from '../services/runs/preview-run';
import { cancelExecution } from '../services/runs/cancel-execution';
import { fireSchedules } from '../services/schedules/fire-schedules';
import { listSchedules } from '../services/schedules/list-schedules';
import { readOutputAfter, readOutputSoFar } from '../services/runs/read-output';
import type { SweepDeps } from '../services/runs/sweep-executions';
import type { SweepCursors } from '../services/runs/status-walk';
import { runSweep } from '../services/runs/sweep';
import type { ClaimTiming } from '../services/runs/record-once';
import type { RunbookIdentityEnv } from '../services/worker/ports';

export type AppOptions = {
  /** Base of links when CLOUDO_PUBLIC_URL is unset; the local runtime knows its own address only once listening. */
  readonly publicUrl?: () => string;
  /** Idempotency claims' lease and wait; tests shorten the lease. */
  readonly claimTiming?: ClaimTiming;
  /** Where mappings come from, named when a trigger asks for an id there is none of; default: the mappings table. */
  readonly mappingSource?: string;
  /** The runbook identity's variables, from the token broker started with the worker; without it, none. */
  readonly runbookIdentity?: RunbookIdentityEnv;
};

export function createAppServices(config: CloudoConfig, clients?: StorageClients, opts: AppOptions = {}): AppServices {
  const storage = clients ?? connect(config);
  const ready = onceReady(storage);
  const mappings = createMappingTable(storage.mappings);
  const telemetry = processTelemetry(config);
  const executions = instrumentExecutionStore(createExecutionTable(storage.executions), telemetry.metrics);
  const alerts = createAlertRecords(storage.executions);
  // Once per process: it remembers when the table needs no more moving.
  const indexUpgrade = createIndexUpgrade(storage.executions);
  // Once per process: a backlog longer than one Sweeper round is walked on from where the last round stopped.
  const resumeAt: SweepCursors = new Map();
  const common = { executions, alerts, queue: createRunQueue(storage.queues, config.queuePrefix), clock: systemClock };
  const audit: AuditDeps = {
    audit: createAuditTable(storage.executions),
    clock: systemClock,
    fingerprint: async (runbook) => {
      const found = await resolveRunbook(config.runbooksDir, runbook);
      return found.ok ? found.sha256 : null;
    },
    appVersion: appVersionOf(config.auth.appVersion),
  };
  const publicUrl = () => config.oncall.publicUrl ?? opts.publicUrl?.() ?? '';
  const on = wireOncall(config, storage, common, publicUrl, telemetry.metrics);
  const source = opts.mappingSource ? { mappingSource: opts.mappingSource } : {};
  const requests = {
    ...common,
    mappings,
    defaultTimeoutSeconds: config.defaultTimeoutSeconds,
    oncall: on.oncall,
    ...(opts.claimTiming ? { claimTiming: opts.claimTiming } : {}),
    ...source,
    sealKey: config.oncall.approvalSecret,
    audit,
  };
  const accessOf = async (e: Execution) => (await mappings.get(e.partition, e.mappingId))?.access ?? NO_ACCESS_LIST;
  const runner = createRunnerPorts(config, undefined, opts.runbookIdentity);
  const output = createOutputLog(storage.executions);
  const worker = { runner, settings: buildRunnerSettings(config, on.secrets), output, ...on };
  const ensure = async <T>(fn: () => Promise<T>): Promise<T> => (await ready(), fn());
  // HTTP triggers only: the intake queue's concurrency is bounded by the host's batch settings already.
  const firstSeen = new Map<string, number>();
  const gate = createAdmissionGate({ limit: config.accept.concurrency, maxWaitMs: config.accept.maxWaitMs });
  // A miss proves the account answers and accepts our credentials; anything else (403 included) does not.
  // Not through ensure(): creating tables is not bounded by the probe's deadline, and a miss answers as well.
  const health = { check: () => checkHealth(createHealthProbes(storage, firstRunQueue(config)), HEALTH_BOUND_MS) };
  const slots = on.oncall.admit.slots;
  const consoleParts: ConsoleParts = { storage, mappings, executions, slots, alerts, health, ensure };
  const overview = wireOverview(config, consoleParts, SWEEP_SLACK_SECONDS, telemetry.metrics);
  return {
    audit: {
      read: (caller, query) => ensure(() => readAudit(audit, caller, query)),
      write: (entry) => ensure(async () => void (await writeAudit(audit, entry))),
    },
    trigger: {
      requestRun: (req, log) => gate(() => ensure(() => requestRun({ ...requests, log }, req))),
      ingestAlerts: (body, partition, log) =>
        gate(() => ensure(() => ingestAlerts({ ...requests, log }, body, partition))),
      previewAlerts: (body, partition) =>
        ensure(() => previewAlerts(previewDeps(config, mappings, on), body, partition)),
      previewRun: (req) => ensure(() => previewRun({ ...previewDeps(config, mappings, on), ...source }, req)),
    },
    executions: {
      list: (filter) => ensure(() => listExecutions(executions, filter)),
      get: (execId) => ensure(() => getExecution(executions, execId)),
      readOutput: (execId, offset) => ensure(() => readOutputAfter({ executions, output }, execId, offset)),
      outputSoFar: (execId) => ensure(() => readOutputSoFar({ executions, output }, execId)),
      approvalLinks: (e) => on.oncall.links.approvals(e),
    },
    control: {
      cancel: (ask, log) => ensure(() => cancelExecution({ ...common, log, oncall: on.oncall, audit, mappings }, ask)),
    },
    unmatched: {
      list: (limit) => ensure(() => alerts.listUnmatched(limit)),
      dryRun: (key) => ensure(() => dryRunUnmatched({ ...previewDeps(config, mappings, on), alerts }, key)),
    },
    approvals: {
      view: (link) => ensure(() => viewApproval({ ...on.approvalDeps(silent), audit }, link)),
      decide: (link, by, log, origin) =>
        ensure(() => decideApproval({ ...on.approvalDeps(log), audit, accessOf }, link, by, origin)),
    },
    intake: { handleMessage: (msg, log) => ensure(() => handleIntakeMessage(requests, msg, log)) },
    worker: { handleRunMessage: (msg, log) => ensure(() => handleRunMessage({ ...common, ...worker, log }, msg)) },
    scheduler: {
      tick: (log) =>
        ensure(() =>
          fireSchedules({ ...requests, log, claims: alerts.requestKeys, graceMs: SLOT_GRACE_MS, firstSeen }),
        ),
    },
    schedules: { list: () => ensure(() => listSchedules({ mappings, executions }, systemClock.now())) },
    sweeper: {
      sweep: (log) =>
        ensure(async () => {
          const swept = await runSweep({ ...sweepDeps(config, { ...common, audit }, on, log), indexUpgrade, resumeAt });
          // Best effort: a failed sample leaves the gauges at their last values and the sweep's work stands.
          await overview.sampleHealth().catch((err: unknown) => log.warn(`health sample failed: ${String(err)}`));
          return swept;
        }),
    },
    notifier: {
      run: (log) =>
        ensure(async () => {
          const deps = { ...on.timerDeps(log), audit };
          return { expired: await expireApprovals(deps), retried: await retryNotifications(deps) };
        }),
    },
    health,
    mappings: wireMappingReads(consoleParts),
    overview,
    telemetry: {
      metricsText: () => telemetry.metricsText(),
      responded: (route, status, ms) => telemetry.metrics.responded(route, status, ms),
    },
  };
}

// A slot is due for a minute after its time: a late or skipped Scheduler tick still runs it, once.
const SLOT_GRACE_MS = 60_000;

// Well under the clients' 3 tries of 5 s: a load balancer's probe must get an answer, not a timeout.
const HEALTH_BOUND_MS = 3_000;

const firstRunQueue = (config: CloudoConfig): string =>
  queueNameForPool(config.queuePrefix, config.workerPools[0] ?? '');

// Viewing changes nothing and logs nothing.
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

// Beyond timeout + kill grace, time for a slow final write before the sweeper calls a worker lost.
const SWEEP_SLACK_SECONDS = 120;

/** Tables are created once per process, on first use, so a cold start needs no separate setup step. */
function onceReady(storage: StorageClients): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () =>
    (ready ??= callStorage(() => ensureTables(storage)).catch((err: unknown) => {
      ready = undefined;
      throw err;
    }));
}

function sweepDeps(
  config: CloudoConfig,
  common: Pick<SweepDeps, 'executions' | 'alerts' | 'queue' | 'clock'> & { readonly audit: AuditDeps },
  on: OncallWiring,
  log: Logger,
): SweepDeps {
  return {
    ...common,
    log,
    channels: on.oncall.channels,
    deliver: on.oncall.deliver(log),
    slackSeconds: SWEEP_SLACK_SECONDS,
    killGraceSeconds: config.killGraceSeconds,
    retentionDays: config.retentionDays,
    requeueAfterSeconds: config.requeueAfterSeconds,
    pools: config.workerPools,
    slots: on.oncall.admit.slots,
    audit: common.audit.audit,
    auditRetentionDays: config.auth.auditRetentionDays,
  };
}

function previewDeps(config: CloudoConfig, mappings: MappingStore, on: OncallWiring) {
  return {
    mappings,
    runbooksDir: config.runbooksDir,
    defaultTimeoutSeconds: config.defaultTimeoutSeconds,
    inheritedNames: Object.keys(config.runbookBaseEnv),
    canSeal: config.oncall.approvalSecret !== undefined,
    slots: on.oncall.admit.slots,
  };
}
