// Dry run: what an alert payload would do (matches, reasons, environments, approvals), recording and running nothing.
import { boundAlert, type AlertContext } from '../../domain/alerts/alert';
import { decideRun } from '../../domain/alerts/alert-decision';
import { matchAlert } from '../../domain/alerts/alert-match';
import { parseAlertPayload } from '../../domain/alerts/alert-payload';
import { badRequest } from '../../domain/shared/errors';
import { newExecution } from '../../domain/runs/execution';
import type { Mapping } from '../../domain/mappings/mapping';
import { findSecretValues } from '../../domain/shared/redact';
import { buildRunbookEnvironment } from '../../domain/worker/runbook-env';
import type { MappingStore } from '../mappings/ports';

export type PreviewDeps = {
  readonly mappings: MappingStore;
  readonly runbooksDir: string;
  readonly defaultTimeoutSeconds: number;
  /** Names of the host variables a runbook inherits; their values are never shown. */
  readonly inheritedNames: readonly string[];
};

export type MappingPreview = {
  readonly mapping: { readonly partition_key: string; readonly id: string; readonly runbook: string };
  readonly claimed: boolean;
  readonly wouldRun: boolean;
  readonly approvalRequired: boolean;
  readonly disabled: boolean;
  readonly reasons: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
};

export type AlertPreview = { readonly alert: AlertContext; readonly mappings: MappingPreview[] };

export type PayloadPreview = {
  readonly dryRun: true;
  readonly inherited: readonly string[];
  readonly alerts: AlertPreview[];
};

const PLACEHOLDER_ID = '<assigned when recorded>';

export async function previewAlerts(deps: PreviewDeps, body: unknown, partition?: string): Promise<PayloadPreview> {
  const parsed = parseAlertPayload(body);
  if (!parsed.ok) throw badRequest(parsed.field, parsed.message);
  const candidates = await deps.mappings.listCandidates(partition);
  const alerts = parsed.alerts
    .map(({ alert: raw }) => boundAlert(raw))
    .map((alert) => ({
      alert,
      mappings: candidates.map((m) => previewMapping(deps, m, alert)),
    }));
  return { dryRun: true, inherited: deps.inheritedNames, alerts };
}

function previewMapping(deps: PreviewDeps, m: Mapping, alert: AlertContext): MappingPreview {
  const verdict = matchAlert(m, alert);
  const wouldRun = verdict.claimed && decideRun(m, verdict).run;
  const preview = {
    mapping: { partition_key: m.partition, id: m.id, runbook: m.runbook },
    claimed: verdict.claimed,
    wouldRun,
    approvalRequired: verdict.claimed && m.requireApproval,
    disabled: !m.enabled,
    reasons: verdict.reasons,
  };
  if (!verdict.claimed) return preview;
  return { ...preview, environment: environmentFor(deps, m, alert) };
}

// The same function the worker uses, on a stand-in execution: what is shown is what the runbook would get.
function environmentFor(deps: PreviewDeps, m: Mapping, alert: AlertContext): Record<string, string> {
  const now = new Date();
  const execution = newExecution({
    execId: PLACEHOLDER_ID,
    mapping: m,
    trigger: alert.source,
    now,
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
    alert: { context: alert, idempotencyKey: alert.idempotencyKey },
  });
  const env = buildRunbookEnvironment({}, execution, deps.runbooksDir, {
    home: '<per-execution directory, deleted after the run>',
    alertFile: '<per-execution file, deleted after the run>',
  });
  // Answers never carry secrets: secret-looking names (as redacted from output) show no value.
  const hidden = new Set(findSecretValues(env).map((s) => s.name));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, hidden.has(k) ? '[redacted]' : v]));
}
