// Audit records: who did what to which run or mapping, when, from where, and how it ended. Written once, never changed.
import type { CallerKind } from '../identity/caller';

export const AUDIT_ACTIONS = [
  'run.requested',
  'run.approved',
  'run.rejected',
  'run.expired',
  'run.cancelled',
  'mappings.applied',
  'queue.replayed',
  'access.denied',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditActor = { readonly id: string; readonly name: string; readonly kind: CallerKind };

export type AuditRecord = {
  /** Time-sortable, unique: the same shape as an execution id. */
  readonly id: string;
  readonly at: string;
  readonly actor: AuditActor;
  readonly action: AuditAction;
  /** The execution and mapping ("partition/id") acted on, when there is one. */
  readonly execId: string | null;
  readonly mapping: string | null;
  /** How it ended: `queued`, `throttled`, `skipped`, `cancelled`, `denied`, … or `failed: <code>`. */
  readonly outcome: string;
  /** What else an auditor needs: parameters (secrets masked), what changed, the runbook's SHA-256, the reason. */
  readonly detail: Readonly<Record<string, unknown>>;
  readonly clientIp: string | null;
  readonly requestId: string | null;
};

/** Where a person's request came from, for their audit records. */
export type RequestOrigin = { readonly clientIp: string | null; readonly requestId: string | null };

export const NO_ORIGIN: RequestOrigin = { clientIp: null, requestId: null };

export const isAuditAction = (value: string): value is AuditAction =>
  (AUDIT_ACTIONS as readonly string[]).includes(value);
