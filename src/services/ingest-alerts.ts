// Alert ingestion: parse a webhook, match each alert to mappings, and run each claim exactly once per alert event.
import { boundAlert, type ParsedAlert } from '../domain/alert';
import { decideRun, loggable } from '../domain/alert-decision';
import { matchAlert } from '../domain/alert-match';
import { parseAlertPayload } from '../domain/alert-payload';
import { badRequest } from '../domain/errors';
import { claimAlertRun, type AlertRun, type ClaimDeps } from './claim-alert-run';
import type { MappingStore } from './ports';

export type { AlertRun } from './claim-alert-run';

export type IngestDeps = ClaimDeps & { readonly mappings: MappingStore };

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
    for (const { m, v } of claimed) runs.push(await claimAlertRun(deps, item, m, decideRun(m, v)));
  }
  return { alerts: parsed.alerts.length, matched, executions: runs };
}

async function recordUnmatched(deps: IngestDeps, item: ParsedAlert, partition: string | undefined): Promise<void> {
  const { alert } = item;
  deps.log.info(`unmatched alert ${loggable(alert.rule ?? alert.alertId)} (${alert.monitorCondition})`);
  const eventTime = new Date(alert.resolvedAt ?? alert.firedAt ?? 0);
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
    Number.isNaN(eventTime.getTime()) ? new Date(0) : eventTime,
  );
}
