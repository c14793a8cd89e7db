// Alert records in the executions table: idempotency claims, original payloads, and alerts nobody claimed.
import { odata, type TableClient } from '@azure/data-tables';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { execRowKey } from '../domain/exec-id';
import type { AlertRecordStore, UnmatchedAlert } from '../services/ports';
import { readChunks, writeChunks } from './chunked-text';
import { isConflict, isNotFound, storageCall } from './storage-errors';

const IDEMPOTENCY = 'idem';
const PAYLOAD = 'payload';
const UNMATCHED = 'unmatched';
const MAX_MS = 9_999_999_999_999;

// Keys come from senders: hashing makes any key a valid, fixed-length row key.
const keyRow = (key: string) => createHash('sha256').update(key).digest('hex');

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
  const claim = async (key: string, execId: string) => {
    try {
      await table.createEntity({ partitionKey: IDEMPOTENCY, rowKey: keyRow(key), execId, key: key.slice(0, 1000) });
      return { claimed: true as const };
    } catch (err) {
      if (!isConflict(err)) throw err;
      const existing = await table.getEntity<{ execId: string }>(IDEMPOTENCY, keyRow(key));
      return { claimed: false as const, execId: String(existing.execId) };
    }
  };
  return {
    claimKey: (key, execId) => storageCall(() => claim(key, execId)),
    releaseKey: (key, execId) =>
      storageCall(async () => {
        const existing = await table.getEntity<{ execId: string }>(IDEMPOTENCY, keyRow(key)).catch(() => null);
        // Only the claimant frees a key: another request may have claimed it since.
        if (existing?.execId === execId) await table.deleteEntity(IDEMPOTENCY, keyRow(key), { etag: existing.etag });
      }),
    putPayload: (execId, json) =>
      storageCall(async () => {
        const entity: Record<string, unknown> = {};
        writeChunks(entity, 'json', json);
        await table.upsertEntity({ partitionKey: PAYLOAD, rowKey: execRowKey(execId), ...entity }, 'Replace');
      }),
    getPayload: (execId) =>
      storageCall(async () => {
        try {
          return readChunks(await table.getEntity(PAYLOAD, execRowKey(execId)), 'json') ?? null;
        } catch (err) {
          if (isNotFound(err)) return null;
          throw err;
        }
      }),
    recordUnmatched: (alert, idempotencyKey) =>
      storageCall(async () => {
        if (!(await claim(`unmatched|${idempotencyKey}`, '-')).claimed) return;
        const inverted = String(MAX_MS - Date.parse(alert.receivedAt)).padStart(13, '0');
        await table.createEntity({
          partitionKey: UNMATCHED,
          rowKey: `${inverted}-${randomBytes(4).toString('hex')}`,
          ...alert,
        });
      }),
    listUnmatched: (limit) =>
      storageCall(async () => {
        const out: UnmatchedAlert[] = [];
        const pages = table
          .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${UNMATCHED}` } })
          .byPage({ maxPageSize: limit });
        for await (const page of pages) {
          for (const e of page) if (out.length < limit) out.push(unmatchedSchema.parse(e));
          if (out.length >= limit) break;
        }
        return out;
      }),
  };
}
