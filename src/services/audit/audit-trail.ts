// The audit trail's use cases: writing a decision down (fail closed), and reading the trail as a caller may.
import {
  type AuditAction,
  type AuditActor,
  type AuditRecord,
  type RequestOrigin,
} from '../../domain/audit/audit-record';
import { hasRight, type Caller } from '../../domain/identity/caller';
import { newExecId } from '../../domain/runs/exec-id';
import type { Clock } from '../shared/ports';
import type { AuditLog, AuditPage, AuditQuery } from './ports';

export type AuditDeps = {
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** What would run now: the runbook file's SHA-256 (null when it cannot be read), for a run's audit record. */
  readonly fingerprint?: (runbook: string) => Promise<string | null>;
  /** The app's version (image tag or package version), for a run's audit record. */
  readonly appVersion?: string;
};

export type AuditEntry = {
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly execId?: string | null;
  readonly mapping?: string | null;
  readonly outcome: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly origin?: RequestOrigin;
};

/** Appends the record; throws when storage refuses it, so the caller does not go on with what it records. */
export async function writeAudit(deps: AuditDeps, entry: AuditEntry): Promise<AuditRecord> {
  const now = deps.clock.now();
  const record: AuditRecord = {
    id: newExecId(now),
    at: now.toISOString(),
    actor: entry.actor,
    action: entry.action,
    execId: entry.execId ?? null,
    mapping: entry.mapping ?? null,
    outcome: entry.outcome,
    detail: entry.detail ?? {},
    clientIp: entry.origin?.clientIp ?? null,
    requestId: entry.origin?.requestId ?? null,
  };
  await deps.audit.append(record);
  return record;
}

export const actorOf = (c: Caller): AuditActor => ({ id: c.id, name: c.name, kind: c.kind });

/** Admins read the whole trail; anyone else only their own records (a filter, not a refusal). */
export async function readAudit(deps: AuditDeps, caller: Caller, query: AuditQuery): Promise<AuditPage> {
  return deps.audit.list(hasRight(caller, 'admin') ? query : { ...query, actorId: caller.id });
}
