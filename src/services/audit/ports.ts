// Audit ports: the append-only trail of decisions, and its listing.
import type { AuditAction, AuditRecord } from '../../domain/audit/audit-record';

export type AuditQuery = {
  readonly since?: Date;
  readonly until?: Date;
  /** An actor's id (Entra object id, "key", "alert:<source>", "schedule"). */
  readonly actorId?: string;
  readonly action?: AuditAction;
  /** "partition/id". */
  readonly mapping?: string;
  readonly limit: number;
  /** Continue after this record (the last one of the previous page). */
  readonly afterId?: string;
};

/** lastId is set when more records may follow. */
export type AuditPage = { readonly items: AuditRecord[]; readonly lastId?: string };

export type AuditLog = {
  /** Writes the record; throws (storage_unavailable) when it could not, so the action it records does not happen. */
  append(record: AuditRecord): Promise<void>;
  /** Newest first; a page costs a bounded number of storage requests, whatever the history. */
  list(query: AuditQuery): Promise<AuditPage>;
  /** Deletes records older than `cutoff`, at most `max`; how many went. */
  pruneBefore(cutoff: Date, max: number): Promise<number>;
  /** Moves up to `max` rows written in an earlier storage layout to the current one; how many moved. */
  upgradeLayout(max: number): Promise<number>;
};
