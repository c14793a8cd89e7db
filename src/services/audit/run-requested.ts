// The audit record of a requested run: who asked (as verified), for which mapping, with which parameters (secret
// ones masked), and how admission answered.
import type { AuditActor, RequestOrigin } from '../../domain/audit/audit-record';
import type { Execution } from '../../domain/runs/execution';
import { showParams } from '../../domain/runs/run-params';
import { writeAudit, type AuditDeps } from './audit-trail';

/** Who asked for the run: as verified at the door, else as its trigger says (an alert source, the schedule). */
export function requesterOf(e: Execution): AuditActor {
  if (e.requester) return e.requester;
  if (e.trigger === 'schedule') return { kind: 'schedule', id: 'schedule', name: 'schedule' };
  if (e.trigger !== 'manual') return { kind: 'alert', id: `alert:${e.trigger}`, name: e.requestedBy ?? e.trigger };
  return { kind: 'system', id: 'unknown', name: e.requestedBy ?? 'unknown' };
}

/** Written before the run is recorded: a run nobody could audit is not recorded (the request gets a 503). */
export async function auditRunRequested(deps: AuditDeps, e: Execution, origin?: RequestOrigin): Promise<void> {
  // As the file is now; the run records the SHA-256 of what it actually ran, which may differ if the file changes.
  const sha256 = deps.fingerprint ? await deps.fingerprint(e.runbook).catch(() => null) : null;
  await writeAudit(deps, {
    actor: requesterOf(e),
    action: 'run.requested',
    execId: e.execId,
    mapping: `${e.partition}/${e.mappingId}`,
    outcome: e.status,
    detail: {
      trigger: e.trigger,
      runbook: e.runbook,
      ...(sha256 ? { runbookSha256: sha256 } : {}),
      ...(deps.appVersion ? { appVersion: deps.appVersion } : {}),
      ...(e.params ? { params: boundValues(showParams(e.params.values, e.params.secretNames)) } : {}),
      ...(e.error ? { reason: e.error } : {}),
      ...(e.scheduledFor ? { scheduledFor: e.scheduledFor } : {}),
      ...(e.alert ? { alertRule: e.alert.rule, resourceId: e.alert.resource.id } : {}),
    },
    ...(origin ? { origin } : {}),
  });
}

// An audit record is one table row: long values are kept by their head and their length (the run's record has them).
const MAX_VALUE_CHARS = 200;

function boundValues(params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [
      k,
      v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS)}… (${v.length} characters)` : v,
    ]),
  );
}
