// Dry run: what an alert payload would do (matches, reasons, environments, approvals), recording and running nothing.
import { boundAlert, type AlertContext } from '../../domain/alerts/alert';
import { decideRun } from '../../domain/alerts/alert-decision';
import { matchAlert } from '../../domain/alerts/alert-match';
import { parseAlertPayload } from '../../domain/alerts/alert-payload';
import { badRequest } from '../../domain/shared/errors';
import { newExecution } from '../../domain/runs/execution';
import type { Mapping } from '../../domain/mappings/mapping';
import { buildAlertEnvironment } from '../../domain/alerts/alert-env';
import { buildParamEnvironment, maskSecrets, NO_PARAMS, resolveAlertParams } from '../../domain/runs/run-params';
import { PLACEHOLDER_ID, previewEnvironment, type PreviewDeps } from '../runs/preview-run';
import { previewConcurrency, type ConcurrencyPreview } from '../concurrency/preview-concurrency';

export type MappingPreview = {
  readonly mapping: { readonly partition_key: string; readonly id: string; readonly runbook: string };
  readonly claimed: boolean;
  readonly wouldRun: boolean;
  readonly approvalRequired: boolean;
  readonly disabled: boolean;
  readonly reasons: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  /** Claimed by a mapping with a concurrency policy: its slots for this alert's resource now. */
  readonly concurrency?: ConcurrencyPreview;
};

export type AlertPreview = { readonly alert: AlertContext; readonly mappings: MappingPreview[] };

export type PayloadPreview = {
  readonly dryRun: true;
  readonly inherited: readonly string[];
  readonly alerts: AlertPreview[];
};

export async function previewAlerts(deps: PreviewDeps, body: unknown, partition?: string): Promise<PayloadPreview> {
  const parsed = parseAlertPayload(body);
  if (!parsed.ok) throw badRequest(parsed.field, parsed.message);
  const candidates = await deps.mappings.listCandidates(partition);
  const alerts = await Promise.all(
    parsed.alerts
      .map(({ alert: raw }) => boundAlert(raw))
      .map(async (alert) => ({
        alert,
        mappings: await Promise.all(candidates.map((m) => previewMapping(deps, m, alert))),
      })),
  );
  return { dryRun: true, inherited: deps.inheritedNames, alerts };
}

async function previewMapping(deps: PreviewDeps, m: Mapping, alert: AlertContext): Promise<MappingPreview> {
  const verdict = matchAlert(m, alert);
  // A parameter the alert cannot fill skips the run, as claiming it would.
  const params = resolveAlertParams(m.params, buildAlertEnvironment(alert));
  const wouldRun = verdict.claimed && decideRun(m, verdict).run && params.ok;
  const preview = {
    mapping: { partition_key: m.partition, id: m.id, runbook: m.runbook },
    claimed: verdict.claimed,
    wouldRun,
    approvalRequired: verdict.claimed && m.requireApproval,
    disabled: !m.enabled,
    reasons: params.ok ? verdict.reasons : [...verdict.reasons, params.reason],
  };
  if (!verdict.claimed) return preview;
  const concurrency = await previewConcurrency(deps.slots, m, alert.resource.id);
  return { ...preview, environment: environmentFor(deps, m, alert), ...(concurrency ? { concurrency } : {}) };
}

function environmentFor(deps: PreviewDeps, m: Mapping, alert: AlertContext): Record<string, string> {
  const execution = newExecution({
    execId: PLACEHOLDER_ID,
    mapping: m,
    trigger: alert.source,
    now: new Date(),
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    alert: { context: alert, idempotencyKey: alert.idempotencyKey },
  });
  const params = resolveAlertParams(m.params, buildAlertEnvironment(alert));
  const shown = params.ok ? maskSecrets(params.params) : NO_PARAMS;
  return previewEnvironment(deps, execution, buildParamEnvironment(shown), true);
}
