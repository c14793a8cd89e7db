// Execution table: records keyed by inverted time, written with their index rows so that listings never scan.
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import type { Execution } from '../../domain/runs/execution';
import { execRowKey, invertTime } from '../../domain/runs/exec-id';
import type { ExecutionStore, RejectedMessage } from '../../services/runs/ports';
import type { Versioned } from '../../services/shared/ports';
import { fromEntity, MAIN_PARTITION } from './execution-entity';
import { readIndexPage } from './execution-listing';
import { insertWithIndex, replaceWithIndex } from './execution-writes';
import { alreadyExists, writeOutcomeUnknown } from '../../domain/shared/errors';
import { allowMissing, callStorage, isConflict, isStorageOutage } from '../shared/storage-errors';
import { mayHaveLanded } from '../shared/write-outcome';

/** Messages ClouDO could never process: intake rejections and poisoned run messages, keyed by inverted time. */
export const REJECTED = 'rejected';

export function createExecutionTable(table: TableClient): ExecutionStore {
  return {
    create: (e) =>
      callStorage(async () => {
        let etag: string | undefined;
        try {
          etag = await insertWithIndex(table, e);
        } catch (err) {
          if (isConflict(err)) throw alreadyExists(`Execution ${e.execId} exists already.`);
          // The record is the commit point: an insert that may have landed is not the same as one that did not.
          throw isStorageOutage(err) && mayHaveLanded(err) ? writeOutcomeUnknown(err) : err;
        }
        return etag ? { value: e, etag } : mustRead(table, e.execId);
      }),
    get: (execId) => callStorage(() => readMain(table, execRowKey(execId))),
    replaceIf: (next, previous) =>
      callStorage(async () => {
        const written = await replaceWithIndex(table, next, previous);
        if (!written) return null;
        // Never fall back to '*': an unconditional ETag would defeat the next conditional write.
        return written.etag ? { value: next, etag: written.etag } : mustRead(table, next.execId);
      }),
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
