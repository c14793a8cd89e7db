// Alert ports: alert payloads, idempotency claims of alert events, and alerts nobody claimed.
import type { ClaimStore } from '../runs/ports';

export type UnmatchedAlert = {
  readonly receivedAt: string;
  readonly source: string;
  readonly alertId: string;
  readonly rule: string | null;
  readonly monitorCondition: string;
  /** The partition the trigger was restricted to, if any. */
  readonly partition: string | null;
};

/** An unmatched alert as stored: `key` names it (for its dry run); `payloadKept` says its delivery was kept. */
export type UnmatchedRecord = UnmatchedAlert & { readonly key: string; readonly payloadKept: boolean };

/** The largest alert delivery kept with its unmatched record, in characters of JSON: Trigger's body limit. */
export const MAX_KEPT_PAYLOAD_CHARS = 256 * 1024;

export type AlertRecordStore = {
  /** Alert events, per mapping: kept, so a late re-notification is still a duplicate. */
  readonly claims: ClaimStore;
  /** Manual requests' idempotency keys: deleted with the payloads, after the retention period (at least a day). */
  readonly requestKeys: ClaimStore;
  putPayload(execId: string, json: string): Promise<void>;
  getPayload(execId: string): Promise<string | null>;
  /**
   * Records an alert no mapping claimed, with the delivery that carried it (JSON, for a later dry run; null or over
   * MAX_KEPT_PAYLOAD_CHARS: not kept); the same alert event is recorded once. The payload goes with the record.
   */
  recordUnmatched(alert: UnmatchedAlert, eventKey: string, eventTime: Date, payload: string | null): Promise<void>;
  listUnmatched(limit: number): Promise<UnmatchedRecord[]>;
  /** One unmatched record by key, with its delivery's JSON when kept; null when there is none (or it was pruned). */
  getUnmatched(key: string): Promise<{ readonly alert: UnmatchedRecord; readonly payload: string | null } | null>;
  /** How many alerts whose event time is at or after `since` nobody claimed, reading at most `cap` rows. */
  countUnmatchedSince(since: Date, cap: number): Promise<{ readonly count: number; readonly capped: boolean }>;
  /** Deletes payloads, unmatched records and request keys older than `cutoff`, at most `maxRows`; returns how many. */
  pruneBefore(cutoff: Date, maxRows: number): Promise<number>;
};
