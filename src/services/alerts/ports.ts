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

export type AlertRecordStore = {
  /** Alert events, per mapping: kept, so a late re-notification is still a duplicate. */
  readonly claims: ClaimStore;
  /** Manual requests' idempotency keys: deleted with the payloads, after the retention period (at least a day). */
  readonly requestKeys: ClaimStore;
  putPayload(execId: string, json: string): Promise<void>;
  getPayload(execId: string): Promise<string | null>;
  /** Records an alert no mapping claimed; the same alert event is recorded once. */
  recordUnmatched(alert: UnmatchedAlert, eventKey: string, eventTime: Date): Promise<void>;
  listUnmatched(limit: number): Promise<UnmatchedAlert[]>;
  /** How many alerts whose event time is at or after `since` nobody claimed, reading at most `cap` rows. */
  countUnmatchedSince(since: Date, cap: number): Promise<{ readonly count: number; readonly capped: boolean }>;
  /** Deletes payloads, unmatched records and request keys older than `cutoff`, at most `maxRows`; returns how many. */
  pruneBefore(cutoff: Date, maxRows: number): Promise<number>;
};
