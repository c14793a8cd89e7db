// Idempotency claim rows in the executions table: one row per key, written only by conditional inserts and replaces.
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { AppError } from '../../domain/shared/errors';
import { invertTime } from '../../domain/runs/exec-id';
import { sha256Hex } from '../../domain/shared/hash';
import type { ClaimStore, HeldClaim, IdempotencyClaim } from '../../services/runs/ports';
import {
  ignoreNotFound,
  isConflict,
  isNotFound,
  isPreconditionFailed,
  allowMissing,
  callStorage,
} from '../shared/storage-errors';

export type ClaimRowsOptions = {
  readonly partition: string;
  /** A partition of `<inverted claim time>-<row key>` rows, so expired claims are one row-key range: no scan. */
  readonly timeIndex?: string;
};

type State = 'pending' | 'committed';

const claimRow = z.object({
  execId: z.string(),
  state: z.enum(['pending', 'committed']),
  claimedAt: z.string(),
  fingerprint: z.string().nullish(),
});

// Keys come from senders: hashing makes any key a valid, fixed-length row key.
const rowKeyOf = (key: string) => sha256Hex(key);

export function createClaimRows(table: TableClient, opts: ClaimRowsOptions): ClaimStore {
  const { partition } = opts;
  const row = (key: string, c: Omit<HeldClaim, 'token'>, state: State, now: Date) => ({
    partitionKey: partition,
    rowKey: rowKeyOf(key),
    execId: c.execId,
    state,
    claimedAt: now.toISOString(),
    ...(c.fingerprint === null ? {} : { fingerprint: c.fingerprint }),
  });
  return {
    claimKey: (key, execId, now, fingerprint = null) =>
      callStorage(() => claim(table, opts, row(key, { execId, fingerprint }, 'pending', now), now)),
    renewKey: (key, held, now) =>
      callStorage(async () => {
        try {
          const { etag } = await table.updateEntity(row(key, held, 'pending', now), 'Replace', { etag: held.token });
          return etag ?? (await table.getEntity(partition, rowKeyOf(key))).etag;
        } catch (err) {
          if (isPreconditionFailed(err) || isNotFound(err)) return null;
          throw err;
        }
      }),
    commitKey: (key, execId) =>
      callStorage(async () => {
        const current = await table.getEntity(partition, rowKeyOf(key));
        const c = claimRow.parse(current);
        // Committed by someone else, or taken over for another execution: not ours to mark.
        if (c.execId !== execId || c.state === 'committed') return;
        const done = row(key, { execId, fingerprint: c.fingerprint ?? null }, 'committed', new Date());
        await table.updateEntity(done, 'Replace', { etag: current.etag }).catch((err: unknown) => {
          if (!isPreconditionFailed(err)) throw err;
        });
      }),
    releaseKey: (key, token) =>
      callStorage(async () => {
        // Only the holder frees a key: another request may have renewed or taken it over since.
        await table.deleteEntity(partition, rowKeyOf(key), { etag: token }).catch((err: unknown) => {
          if (!isPreconditionFailed(err) && !isNotFound(err)) throw err;
        });
      }),
  };
}

type ClaimEntity = { partitionKey: string; rowKey: string; execId: string; state: State; claimedAt: string };

async function claim(
  table: TableClient,
  opts: ClaimRowsOptions,
  fresh: ClaimEntity,
  now: Date,
): Promise<IdempotencyClaim> {
  // A key freed between our failed insert and our read can simply be claimed again; more than twice is contention.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const { etag } = await table.createEntity(fresh);
      if (opts.timeIndex) await indexClaim(table, opts.timeIndex, fresh, now);
      return { kind: 'claimed', token: etag ?? (await table.getEntity(fresh.partitionKey, fresh.rowKey)).etag };
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    const existing = await allowMissing(table.getEntity(fresh.partitionKey, fresh.rowKey));
    if (existing) return readClaim(existing);
  }
  throw new AppError('busy', 'This request is being recorded by other requests; retry.');
}

async function indexClaim(table: TableClient, index: string, fresh: ClaimEntity, now: Date): Promise<void> {
  try {
    await table.upsertEntity({ partitionKey: index, rowKey: `${invertTime(now)}-${fresh.rowKey}` }, 'Replace');
  } catch (err) {
    // Unindexed, the claim would never expire: give it up, so the retry claims (and indexes) it afresh.
    await table.deleteEntity(fresh.partitionKey, fresh.rowKey).catch(() => undefined);
    throw err;
  }
}

function readClaim(entity: Record<string, unknown> & { etag: string }): IdempotencyClaim {
  const c = claimRow.parse(entity);
  const held = { execId: c.execId, token: entity.etag, fingerprint: c.fingerprint ?? null };
  if (c.state === 'committed') return { kind: 'committed', ...held };
  return { kind: 'pending', ...held, claimedAt: new Date(c.claimedAt) };
}

/** Deletes claims whose index time is before `cutoff`, at most `maxRows` index rows; returns how many. */
export async function pruneClaims(
  table: TableClient,
  opts: Required<ClaimRowsOptions>,
  cutoff: Date,
  maxRows: number,
): Promise<number> {
  let deleted = 0;
  const filter = odata`PartitionKey eq ${opts.timeIndex} and RowKey ge ${invertTime(cutoff)}`;
  for await (const e of table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
    if (deleted >= maxRows) break;
    const indexKey = String(e.rowKey);
    const rowKey = indexKey.slice(indexKey.indexOf('-') + 1);
    const current = await allowMissing(table.getEntity(opts.partition, rowKey));
    // Written again since (committed, renewed, or claimed anew after a release): it expires by its own time.
    if (current && !(Date.parse(String(current['claimedAt'])) < cutoff.getTime())) continue;
    if (current) {
      await table.deleteEntity(opts.partition, rowKey, { etag: current.etag }).catch((err: unknown) => {
        if (!isPreconditionFailed(err)) ignoreNotFound(err);
      });
    }
    await table.deleteEntity(opts.timeIndex, indexKey).catch(ignoreNotFound);
    deleted++;
  }
  return deleted;
}
