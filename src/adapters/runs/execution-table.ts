// Execution table: records keyed by inverted time, written with their index rows so that listings never scan.
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import type { Execution } from '../../domain/runs/execution';
import { execRowKey, invertTime } from '../../domain/runs/exec-id';
import type { ExecutionStore, RejectedMessage } from '../../services/runs/ports';
import type { Versioned } from '../../services/shared/ports';
import { fromEntity, MAIN_PARTITION, toEntity } from './execution-entity';
import { indexPartitions, readIndexPage } from './execution-listing';
import { alreadyExists, AppError, writeOutcomeUnknown } from '../../domain/shared/errors';
import {
  allowMissing,
  callStorage,
  isConflict,
  isNotFound,
  isPreconditionFailed,
  translateStorageError,
} from '../shared/storage-errors';
import { mayHaveLanded } from '../shared/write-outcome';

/** Messages ClouDO could never process: intake rejections and poisoned run messages, keyed by inverted time. */
export const REJECTED = 'rejected';

export function createExecutionTable(table: TableClient): ExecutionStore {
  const index = indexWriter(table);
  return {
    create: (e) =>
      callStorage(async () => {
        // Index rows first, the record last: a failure leaves at most index rows, which listings skip.
        await index.put(e, indexPartitions(e));
        let etag: string | undefined;
        try {
          ({ etag } = await table.createEntity(toEntity(e)));
        } catch (err) {
          if (isConflict(err)) throw alreadyExists(`Execution ${e.execId} exists already.`);
          // The record is the commit point: an insert that may have landed is not the same as one that did not.
          throw isOutage(err) && mayHaveLanded(err) ? writeOutcomeUnknown(err) : err;
        }
        return etag ? { value: e, etag } : mustRead(table, e.execId);
      }),
    get: (execId) => callStorage(() => readMain(table, execRowKey(execId))),
    replaceIf: (next, previous) => callStorage(() => replaceIf(table, index, next, previous)),
    list: (q) => callStorage(() => readIndexPage(table, q)),
    recordRejectedMessage: (r) =>
      callStorage(async () => {
        // Inverted time first, so the newest rows come first in a partition scan.
        const rowKey = `${invertTime(new Date(r.receivedAt))}-${randomBytes(4).toString('hex')}`;
        await table.createEntity({ partitionKey: REJECTED, rowKey, ...r });
      }),
    listRejectedMessages: (limit) => callStorage(() => listRejected(table, limit)),
  };
}

function isOutage(err: unknown): boolean {
  const translated = translateStorageError(err);
  return translated instanceof AppError && translated.code === 'storage_unavailable';
}

type IndexWriter = ReturnType<typeof indexWriter>;

function indexWriter(table: TableClient) {
  return {
    put: (e: Execution, pks: readonly string[]) =>
      Promise.all(pks.map((pk) => table.upsertEntity({ partitionKey: pk, rowKey: execRowKey(e.execId) }, 'Replace'))),
    /** Best effort: a row left behind is skipped by listings, so a failure here must not fail the caller. */
    drop: async (execId: string, pks: readonly string[]) => {
      await Promise.all(pks.map((pk) => table.deleteEntity(pk, execRowKey(execId)))).catch(() => undefined);
    },
  };
}

async function replaceIf(
  table: TableClient,
  index: IndexWriter,
  next: Execution,
  previous: Versioned<Execution>,
): Promise<Versioned<Execution> | null> {
  const before = indexPartitions(previous.value);
  const after = indexPartitions(next);
  // New index rows first: a reader may see a stale row (filtered out on read), never a missing one.
  await index.put(
    next,
    after.filter((pk) => !before.includes(pk)),
  );
  let etag: string | undefined;
  try {
    ({ etag } = await table.updateEntity(toEntity(next), 'Replace', { etag: previous.etag }));
  } catch (err) {
    // Changed or removed since it was read: either way, another writer got there first.
    if (isPreconditionFailed(err) || isNotFound(err)) return null;
    throw err;
  }
  // The write is committed: failing now would make the caller redo work that already happened.
  await index.drop(
    next.execId,
    before.filter((pk) => !after.includes(pk)),
  );
  // Never fall back to '*': an unconditional ETag would defeat the next conditional write.
  return etag ? { value: next, etag } : mustRead(table, next.execId);
}

async function mustRead(table: TableClient, execId: string): Promise<Versioned<Execution>> {
  const found = await readMain(table, execRowKey(execId));
  if (!found) throw new Error(`execution ${execId} vanished right after it was written`);
  return found;
}

async function readMain(table: TableClient, rowKey: string): Promise<Versioned<Execution> | null> {
  const entity = await allowMissing(table.getEntity(MAIN_PARTITION, rowKey));
  return entity ? { value: fromEntity(entity), etag: entity.etag } : null;
}

const rejectedRow = z.object({
  queue: z.string(),
  messageId: z.string(),
  reason: z.string(),
  preview: z.string(),
  receivedAt: z.string(),
});

async function listRejected(table: TableClient, limit: number): Promise<RejectedMessage[]> {
  const out: RejectedMessage[] = [];
  const rows = table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${REJECTED}` } });
  for await (const page of rows.byPage({ maxPageSize: limit })) {
    for (const row of page) {
      const parsed = rejectedRow.safeParse(row);
      if (parsed.success && out.length < limit) out.push(parsed.data);
    }
    if (out.length >= limit) break;
  }
  return out;
}
