// Alert records in the executions table: idempotency claims, original payloads, and alerts nobody claimed.
import { OUTPUT_PARTITION } from '../runs/output-log';
import { REJECTED } from '../runs/execution-table';
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { execRowKey, invertTime, toRowKeyRange } from '../../domain/runs/exec-id';
import { sha256Hex } from '../../domain/shared/hash';
import { MAX_KEPT_PAYLOAD_CHARS, type AlertRecordStore, type UnmatchedRecord } from '../../services/alerts/ports';
import { readChunks, writeChunks } from '../shared/chunked-text';
import { createClaimRows, pruneClaims } from '../runs/claim-rows';
import { ignoreNotFound, isConflict, allowMissing, callStorage } from '../shared/storage-errors';

const PAYLOAD = 'payload';
const UNMATCHED = 'unmatched';
// Alert events' claims are kept: a very late re-notification is still a duplicate.
const ALERT_CLAIMS = { partition: 'idem' };
// Manual requests' idempotency keys expire with the payloads, so they are indexed by time.
const REQUEST_KEYS = { partition: 'request', timeIndex: 'request-by-time' };

// Event keys come from senders: hashing makes any key a valid, fixed-length row key.
const hash = sha256Hex;

const unmatchedSchema = z.object({
  receivedAt: z.string(),
  source: z.string(),
  alertId: z.string(),
  rule: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  monitorCondition: z.string(),
  partition: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});

export function createAlertRecords(table: TableClient): AlertRecordStore {
  return {
    claims: createClaimRows(table, ALERT_CLAIMS),
    requestKeys: createClaimRows(table, REQUEST_KEYS),
    putPayload: (execId, json) =>
      callStorage(async () => {
        const entity: Record<string, unknown> = {};
        writeChunks(entity, 'json', json);
        await table.upsertEntity({ partitionKey: PAYLOAD, rowKey: execRowKey(execId), ...entity }, 'Replace');
      }),
    getPayload: (execId) =>
      callStorage(async () => {
        const entity = await allowMissing(table.getEntity(PAYLOAD, execRowKey(execId)));
        return entity ? (readChunks(entity, 'json') ?? null) : null;
      }),
    recordUnmatched: (alert, eventKey, eventTime, payload) =>
      callStorage(async () => {
        // The row key is the event's own: a redelivery inserts the same row, and the conflict means "recorded".
        const rowKey = `${invertTime(eventTime)}-${hash(`${eventKey}|${alert.partition ?? ''}`).slice(0, 32)}`;
        // The delivery lives in the record's own row, so retention deletes both at once.
        const entity: { partitionKey: string; rowKey: string; [column: string]: unknown } = {
          partitionKey: UNMATCHED,
          rowKey,
          ...alert,
        };
        if (payload !== null && payload.length <= MAX_KEPT_PAYLOAD_CHARS) writeChunks(entity, PAYLOAD, payload);
        await table.createEntity(entity).catch((err: unknown) => {
          if (!isConflict(err)) throw err;
        });
      }),
    listUnmatched: (limit) => callStorage(() => listUnmatched(table, limit)),
    getUnmatched: (key) =>
      callStorage(async () => {
        const entity = await allowMissing(table.getEntity(UNMATCHED, key));
        const alert = entity ? toRecord(entity) : null;
        return alert ? { alert, payload: readChunks(entity ?? {}, PAYLOAD) ?? null } : null;
      }),
    countUnmatchedSince: (since, cap) => callStorage(() => countUnmatchedSince(table, since, cap)),
    pruneBefore: (cutoff, maxRows) => callStorage(() => pruneBefore(table, cutoff, maxRows)),
  };
}

// These partitions are keyed by inverted time, so everything older than the cutoff is one row-key range: no scan.
// Rejected messages hold sender text too, and any sender can add them: they age out the same way, as does the live
// output of runs (the record keeps its capped copy).
async function pruneBefore(table: TableClient, cutoff: Date, maxRows: number): Promise<number> {
  let deleted = 0;
  for (const partition of [PAYLOAD, UNMATCHED, REJECTED, OUTPUT_PARTITION]) {
    const filter = odata`PartitionKey eq ${partition} and RowKey ge ${invertTime(cutoff)}`;
    for await (const e of table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      if (deleted >= maxRows) return deleted;
      await table.deleteEntity(partition, String(e.rowKey)).catch(ignoreNotFound);
      deleted++;
    }
  }
  return deleted + (await pruneClaims(table, REQUEST_KEYS, cutoff, maxRows - deleted));
}

// The listing reads the record's fields and whether a payload is there, never the payload itself.
const LIST_COLUMNS = ['RowKey', ...Object.keys(unmatchedSchema.shape), `${PAYLOAD}Chunks`];

async function listUnmatched(table: TableClient, limit: number): Promise<UnmatchedRecord[]> {
  const out: UnmatchedRecord[] = [];
  const queryOptions = { filter: odata`PartitionKey eq ${UNMATCHED}`, select: LIST_COLUMNS };
  for await (const page of table.listEntities({ queryOptions }).byPage({ maxPageSize: limit })) {
    for (const e of page) {
      // A row that does not parse is skipped, not allowed to fail the whole listing.
      const record = toRecord(e);
      if (record && out.length < limit) out.push(record);
    }
    if (out.length >= limit) break;
  }
  return out;
}

// Keyed by inverted event time, like executions: the window is one row-key range, and only row keys are read.
async function countUnmatchedSince(table: TableClient, since: Date, cap: number) {
  const filter = odata`PartitionKey eq ${UNMATCHED} and RowKey lt ${toRowKeyRange(since).before ?? ''}`;
  let count = 0;
  const pages = table.listEntities({ queryOptions: { filter, select: ['RowKey'] } });
  for await (const page of pages.byPage({ maxPageSize: Math.min(1000, cap + 1) })) {
    count += page.length;
    if (count > cap) return { count: cap, capped: true };
  }
  return { count, capped: false };
}

function toRecord(e: Record<string, unknown> & { rowKey?: string }): UnmatchedRecord | null {
  const parsed = unmatchedSchema.safeParse(e);
  if (!parsed.success || typeof e.rowKey !== 'string') return null;
  return { ...parsed.data, key: e.rowKey, payloadKept: typeof e[`${PAYLOAD}Chunks`] === 'number' };
}
