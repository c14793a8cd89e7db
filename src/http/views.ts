// API views: what an execution looks like in JSON answers, with links instead of internal keys.
import { executionPath, outputPath } from '../domain/shared/api-paths';
import type { Execution, ListedExecution } from '../domain/runs/execution';
import { showParams } from '../domain/runs/run-params';
import type { AlertRun } from '../services/alerts/ingest-alerts';
import type { ExecutionDetail, ExecutionSummary } from './api-contract/executions';
import type { AlertRunView } from './api-contract/trigger';

type ApprovalLinks = { readonly approve: string; readonly reject: string } | null;

export function toExecutionSummary(e: ListedExecution): ExecutionSummary {
  return {
    execId: e.execId,
    status: e.status,
    mapping: { partition_key: e.partition, id: e.mappingId, name: e.mappingName },
    runbook: e.runbook,
    run_args: e.runArgs,
    worker: e.worker,
    oncall: e.oncall,
    trigger: e.trigger,
    alert: e.alert ? alertSummary(e.alert) : null,
    timeoutSeconds: e.timeoutSeconds,
    requestedAt: e.requestedAt,
    startedAt: e.startedAt ?? null,
    finishedAt: e.finishedAt ?? null,
    durationMs: e.durationMs ?? null,
    exitCode: e.exitCode ?? null,
    signal: e.signal ?? null,
    outputBytes: e.outputBytes ?? null,
    outputTruncated: e.outputTruncated ?? false,
    error: e.error ?? null,
    requestedBy: e.requestedBy ?? null,
    approval: e.approval ?? null,
    budget: e.budget ?? null,
    notifications: e.notifications ?? [],
    params: e.params ? showParams(e.params.values, e.params.secretNames) : null,
    cancel: e.cancel ?? null,
    scheduledFor: e.scheduledFor ?? null,
    // The slot key is internal (it hashes the resource): the policy is shown as the mapping spells it.
    concurrency: e.concurrency
      ? { limit: e.concurrency.limit, per: e.concurrency.per, on_busy: e.concurrency.onBusy }
      : null,
    waiting: e.waiting ?? null,
    requester: e.requester ?? null,
    runbookSha256: e.runbookSha256 ?? null,
    appVersion: e.appVersion ?? null,
    links: { self: executionPath(e.execId) },
  };
}

/** One execution in full: the alert as parsed, its output, and its links (the approval links while it waits). */
export function toExecutionDetail(e: Execution, approvals: ApprovalLinks = null): ExecutionDetail {
  return {
    ...toExecutionSummary(e),
    alert: e.alert ?? null,
    idempotencyKey: e.idempotencyKey ?? null,
    output: e.output ?? null,
    links: { self: executionPath(e.execId), output: outputPath(e.execId), ...(approvals ?? {}) },
  };
}

export function toAlertRunView(run: AlertRun): AlertRunView {
  return { ...run, links: { self: executionPath(run.execId) } };
}

function alertSummary(a: NonNullable<ListedExecution['alert']>): ExecutionSummary['alert'] {
  return {
    source: a.source,
    alertId: a.alertId,
    rule: a.rule,
    monitorCondition: a.monitorCondition,
    severity: a.severity,
    signalType: a.signalType,
    resourceId: a.resource.id,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
  };
}
