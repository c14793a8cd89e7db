// Alert ingestion: parse a webhook, match each alert to mappings, and run each claim exactly once per alert event.
import { boundAlert, compactKey, type ParsedAlert } from '../domain/alert';
import { matchAlert } from '../domain/alert-match';
import { parseAlertPayload } from '../domain/alert-payload';
import { AppError, badRequest } from '../domain/errors';
import { newExecId } from '../domain/exec-id';
import { newExecution, type ExecutionStatus } from '../domain/execution';
import type { Mapping } from '../domain/mapping';
import type { AlertRecordStore, Clock, ExecutionStore, Logger, MappingStore, RunQueue } from './ports';
import { submitExecution } from './submit-execution';

export type IngestDeps = {
  readonly mappings: MappingStore;
  readonly executions: ExecutionStore;
  readonly alerts: AlertRecordStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultTimeoutSeconds: number;
};

export type AlertRun = {
  readonly execId: string;
  readonly status: ExecutionStatus;
  readonly mapping: { readonly partition_key: string; readonly id: string };
  /** True when this alert event had already been recorded: the original execution is returned. */
  readonly duplicate: boolean;
  readonly reason?: string;
};

export type IngestReport = { readonly alerts: number; readonly matched: number; readonly executions: AlertRun[] };

export async function ingestAlerts(deps: IngestDeps, body: unknown, partition?: string): Promise<IngestReport> {
  const parsed = parseAlertPayload(body);
  if (!parsed.ok) throw badRequest(parsed.field, parsed.message);
  const candidates = await deps.mappings.listCandidates(partition);
  const runs: AlertRun[] = [];
  let matched = 0;
  // Matching, storage and the runbook all see the same bounded alert: sender values cannot grow without limit.
  for (const item of parsed.alerts.map((a) => ({ ...a, alert: boundAlert(a.alert) }))) {
    const claimed = candidates.map((m) => ({ m, v: matchAlert(m, item.alert) })).filter((c) => c.v.claimed);
    if (claimed.length === 0) await recordUnmatched(deps, item, partition);
    else matched += 1;
    for (const { m, v } of claimed) runs.push(await runClaim(deps, item, m, v.run ? undefined : v.reasons.at(-1)));
  }
  return { alerts: parsed.alerts.length, matched, executions: runs };
}

function skipReason(m: Mapping, notRun: string | undefined): string | undefined {
  if (!m.enabled) return 'mapping is disabled';
  // Fail closed: until approval gates exist, a mapping that asks for a human "yes" never runs unattended.
  if (m.requireApproval) return 'mapping requires approval, and this ClouDO has no approval gate yet';
  return notRun;
}

async function runClaim(
  deps: IngestDeps,
  item: ParsedAlert,
  m: Mapping,
  notRun: string | undefined,
): Promise<AlertRun> {
  const key = compactKey(`${item.alert.idempotencyKey}|${m.partition}|${m.id}`);
  const now = deps.clock.now();
  const execId = newExecId(now);
  const mapping = { partition_key: m.partition, id: m.id };
  const claim = await deps.alerts.claimKey(key, execId);
  if (!claim.claimed) return duplicateOf(deps, claim.execId, mapping);
  const reason = skipReason(m, notRun);
  const execution = newExecution({
    execId,
    mapping: m,
    trigger: item.alert.source,
    now,
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    alert: { context: item.alert, idempotencyKey: key },
    ...(reason ? { skippedBecause: reason } : {}),
  });
  try {
    if (!reason) await deps.alerts.putPayload(execId, JSON.stringify(item.payload));
    await submitExecution(deps, execution);
  } catch (err) {
    // Free the key so the sender's retry records the run; never answer 2xx for work that is not recorded.
    await deps.alerts.releaseKey(key, execId).catch(() => undefined);
    throw err;
  }
  deps.log.info(
    `${execution.status} ${execId}: ${m.partition}/${m.id} for alert ${item.alert.rule ?? item.alert.alertId}`,
  );
  return { execId, status: execution.status, mapping, duplicate: false, ...(reason ? { reason } : {}) };
}

async function duplicateOf(deps: IngestDeps, execId: string, mapping: AlertRun['mapping']): Promise<AlertRun> {
  const existing = await deps.executions.get(execId);
  // Claimed by a request still recording it (or one that failed and will release it): not yet safe to say "done".
  if (!existing) throw new AppError('storage_unavailable', 'This alert is being recorded by another request; retry.');
  return { execId, status: existing.value.status, mapping, duplicate: true };
}

async function recordUnmatched(deps: IngestDeps, item: ParsedAlert, partition: string | undefined): Promise<void> {
  const { alert } = item;
  deps.log.info(`unmatched alert ${alert.rule ?? alert.alertId} (${alert.monitorCondition})`);
  await deps.alerts.recordUnmatched(
    {
      receivedAt: deps.clock.now().toISOString(),
      source: alert.source,
      alertId: alert.alertId,
      rule: alert.rule,
      monitorCondition: alert.monitorCondition,
      partition: partition ?? null,
    },
    alert.idempotencyKey,
  );
}
