// Alert records in the executions table: idempotency claims, original payloads, and alerts nobody claimed.
import { REJECTED } from './execution-table';
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { AppError } from '../domain/errors';
import { execRowKey, invertedTime } from '../domain/exec-id';
import { sha256Hex } from '../domain/hash';
import type { AlertRecordStore, IdempotencyClaim, UnmatchedAlert } from '../services/ports';
import { readChunks, writeChunks } from './chunked-text';
import { ignoreNotFound, isConflict, isPreconditionFailed, orMissing, storageCall } from './storage-errors';

const IDEMPOTENCY = 'idem';
const PAYLOAD = 'payload';
const UNMATCHED = 'unmatched';
// Longer than any request can take (a few storage calls, each bounded by timeouts and retries): a pending claim
// this old belongs to a request that died, and may be taken over.
const STALE_MS = 120_000;

// Keys come from senders: hashing makes any key a valid, fixed-length row key.
const hash = sha256Hex;

type ClaimEntity = { partitionKey: string; rowKey: string; execId: string; state: string; claimedAt: string };

const claimRow = z.object({ execId: z.string(), state: z.enum(['pending', 'committed']), claimedAt: z.string() });

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
  const row = (key: string, execId: string, state: 'pending' | 'committed', now: Date) => ({
    partitionKey: IDEMPOTENCY,
    rowKey: hash(key),
    execId,
    state,
    claimedAt: now.toISOString(),
  });
  return {
    claimKey: (key, execId, now) => storageCall(() => claim(table, row(key, execId, 'pending', now), now)),
    commitKey: (key, execId) =>
      storageCall(async () => {
        const current = await table.getEntity(IDEMPOTENCY, hash(key));
        if (current['execId'] !== execId) return;
        await table.updateEntity({ ...row(key, execId, 'committed', new Date()) }, 'Replace', { etag: current.etag });
      }),
    takeOverKey: (key, fromExecId, toExecId, now) =>
      storageCall(async () => {
        const current = await table.getEntity(IDEMPOTENCY, hash(key)).catch(() => null);
        if (!current || current['execId'] !== fromExecId) return false;
        try {
          await table.updateEntity(row(key, toExecId, 'pending', now), 'Replace', { etag: current.etag });
          return true;
        } catch (err) {
          if (isPreconditionFailed(err)) return false;
          throw err;
        }
      }),
    releaseKey: (key, execId) =>
      storageCall(async () => {
        const current = await table.getEntity(IDEMPOTENCY, hash(key));
        // Only the claimant frees a key: another request may have taken it over since.
        if (current['execId'] === execId) await table.deleteEntity(IDEMPOTENCY, hash(key), { etag: current.etag });
      }),
    putPayload: (execId, json) =>
      storageCall(async () => {
        const entity: Record<string, unknown> = {};
        writeChunks(entity, 'json', json);
        await table.upsertEntity({ partitionKey: PAYLOAD, rowKey: execRowKey(execId), ...entity }, 'Replace');
      }),
    getPayload: (execId) =>
      storageCall(async () => {
        const entity = await orMissing(table.getEntity(PAYLOAD, execRowKey(execId)));
        return entity ? (readChunks(entity, 'json') ?? null) : null;
      }),
    recordUnmatched: (alert, eventKey, eventTime) =>
      storageCall(async () => {
        // The row key is the event's own: a redelivery inserts the same row, and the conflict means "recorded".
        const rowKey = `${invertedTime(eventTime)}-${hash(`${eventKey}|${alert.partition ?? ''}`).slice(0, 32)}`;
        await table.createEntity({ partitionKey: UNMATCHED, rowKey, ...alert }).catch((err: unknown) => {
          if (!isConflict(err)) throw err;
        });
      }),
    listUnmatched: (limit) => storageCall(() => listUnmatched(table, limit)),
    pruneBefore: (cutoff, maxRows) => storageCall(() => pruneBefore(table, cutoff, maxRows)),
  };
}

async function claim(table: TableClient, fresh: ClaimEntity, now: Date) {
  // Twice at most: a key freed between our failed insert and our read can simply be claimed again.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await table.createEntity(fresh);
      return { kind: 'claimed' } satisfies IdempotencyClaim;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    const existing = await orMissing(table.getEntity(IDEMPOTENCY, fresh.rowKey));
    if (!existing) continue;
    const c = claimRow.parse(existing);
    if (c.state === 'committed') return { kind: 'committed', execId: c.execId } satisfies IdempotencyClaim;
    const stale = now.getTime() - Date.parse(c.claimedAt) > STALE_MS;
    return { kind: 'pending', execId: c.execId, stale } satisfies IdempotencyClaim;
  }
  throw new AppError('busy', 'This alert is being recorded by another request; retry.');
}

// These partitions are keyed by inverted time, so everything older than the cutoff is one row-key range: no scan.
// Rejected messages hold sender text too, and any sender can add them: they age out the same way.
async function pruneBefore(table: TableClient, cutoff: Date, maxRows: number): Promise<number> {
  let deleted = 0;
  for (const partition of [PAYLOAD, UNMATCHED, REJECTED]) {
    const filter = odata`PartitionKey eq ${partition} and RowKey ge ${invertedTime(cutoff)}`;
    for await (const e of table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      if (deleted >= maxRows) return deleted;
      await table.deleteEntity(partition, String(e.rowKey)).catch(ignoreNotFound);
      deleted++;
    }
  }
  return deleted;
}

async function listUnmatched(table: TableClient, limit: number): Promise<UnmatchedAlert[]> {
  const out: UnmatchedAlert[] = [];
  const filter = odata`PartitionKey eq ${UNMATCHED}`;
  for await (const page of table.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: limit })) {
    for (const e of page) {
      // A row that does not parse is skipped, not allowed to fail the whole listing.
      const parsed = unmatchedSchema.safeParse(e);
      if (parsed.success && out.length < limit) out.push(parsed.data);
    }
    if (out.length >= limit) break;
  }
  return out;
}
