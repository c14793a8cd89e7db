// Alert ingestion: parse a webhook, match each alert to mappings, and run each claim exactly once per alert event.
import { boundAlert, type ParsedAlert } from '../../domain/alerts/alert';
import { decideRun, toLoggable } from '../../domain/alerts/alert-decision';
import { matchAlert } from '../../domain/alerts/alert-match';
import { parseAlertPayload } from '../../domain/alerts/alert-payload';
import { badRequest } from '../../domain/shared/errors';
import { runAllBounded } from '../shared/bounded-all';
import { claimAlertRun, type AlertRun, type ClaimDeps } from './claim-alert-run';
import type { MappingStore } from '../mappings/ports';
import { CLAIM_TIMING } from '../runs/record-once';

export type { AlertRun } from './claim-alert-run';

export type IngestDeps = ClaimDeps & { readonly mappings: MappingStore };

export type IngestReport = { readonly alerts: number; readonly matched: number; readonly executions: AlertRun[] };

export async function ingestAlerts(deps: IngestDeps, body: unknown, partition?: string): Promise<IngestReport> {
  const parsed = parseAlertPayload(body);
  if (!parsed.ok) throw badRequest(parsed.field, parsed.message);
  // One deadline for the whole delivery: however many of its claims wait, the sender gets its answer in time.
  const waitUntil = deps.clock.now().getTime() + (deps.claimTiming ?? CLAIM_TIMING).waitMs;
  const candidates = await deps.mappings.listCandidates(partition);
  const tasks = new Map<string, () => Promise<AlertRun>>();
  const unmatched: (() => Promise<void>)[] = [];
  let matched = 0;
  // Matching, storage and the runbook all see the same bounded alert: sender values cannot grow without limit.
  for (const item of parsed.alerts.map((a) => ({ ...a, alert: boundAlert(a.alert) }))) {
    const claimed = candidates.map((m) => ({ m, v: matchAlert(m, item.alert) })).filter((c) => c.v.claimed);
    if (claimed.length === 0) unmatched.push(() => recordUnmatched(deps, item, partition));
    else matched += 1;
    // The same event twice in one webhook is one task, not two requests racing for one claim.
    for (const { m, v } of claimed) {
      const key = `${item.alert.idempotencyKey}|${m.partition}|${m.id}`;
      if (!tasks.has(key)) tasks.set(key, () => claimAlertRun(deps, item, m, decideRun(m, v), waitUntil));
    }
  }
  // A large Alertmanager group must finish within the sender's timeout: claims of different events are independent.
  const [runs] = await Promise.all([
    runAllBounded([...tasks.values()], CONCURRENCY),
    runAllBounded(unmatched, CONCURRENCY),
  ]);
  return { alerts: parsed.alerts.length, matched, executions: runs };
}

const CONCURRENCY = 8;

async function recordUnmatched(deps: IngestDeps, item: ParsedAlert, partition: string | undefined): Promise<void> {
  const { alert } = item;
  deps.log.info(`unmatched alert ${toLoggable(alert.rule ?? alert.alertId)} (${alert.monitorCondition})`);
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
    // The delivery that carried it (one alert of a group), so its dry run can be replayed against later mappings.
    JSON.stringify(item.payload),
  );
}
