// In-memory ExecutionStore: the Table adapter's contract (test/contract/execution-store.contract.ts) in a Map.
import { listedOf, type Execution } from '../../../src/domain/runs/execution';
import { execRowKey, toRowKeyRange } from '../../../src/domain/runs/exec-id';
import { matchesQuery } from '../../../src/adapters/runs/execution-index';
import { alreadyExists } from '../../../src/domain/shared/errors';
import type { ExecutionQuery, ExecutionStore, RejectedMessage } from '../../../src/services/runs/ports';
import type { Versioned } from '../../../src/services/shared/ports';

export type FakeExecutionStore = ExecutionStore & {
  /** Every record, oldest first, as stored. */
  readonly records: () => Execution[];
  /** Makes the next calls of `method` throw `error` (a storage outage), `times` times. */
  failNext(method: keyof ExecutionStore, error: Error, times?: number): void;
};

export function createFakeExecutionStore(): FakeExecutionStore {
  const rows = new Map<string, Versioned<Execution>>();
  const rejected: RejectedMessage[] = [];
  const failures = new Map<string, { error: Error; times: number }>();
  let version = 0;
  const stamp = (value: Execution): Versioned<Execution> => ({ value, etag: `W/"${++version}"` });
  const guard = (method: string) => {
    const f = failures.get(method);
    if (!f) return;
    if (--f.times <= 0) failures.delete(method);
    throw f.error;
  };
  return {
    create: async (e) => {
      guard('create');
      if (rows.has(e.execId)) throw alreadyExists(`Execution ${e.execId} exists already.`);
      const written = stamp(e);
      rows.set(e.execId, written);
      return written;
    },
    get: async (execId) => (guard('get'), rows.get(execId) ?? null),
    replaceIf: async (next, previous) => {
      guard('replaceIf');
      if (rows.get(next.execId)?.etag !== previous.etag) return null;
      const written = stamp(next);
      rows.set(next.execId, written);
      return written;
    },
    list: async (q) => (
      guard('list'),
      listPage(
        [...rows.values()].map((r) => r.value),
        q,
      )
    ),
    recordRejectedMessage: async (r) => void (guard('recordRejectedMessage'), rejected.unshift(r)),
    listRejectedMessages: async (limit) => (guard('listRejectedMessages'), rejected.slice(0, limit)),
    records: () => [...rows.values()].map((r) => r.value).sort((a, b) => a.execId.localeCompare(b.execId)),
    failNext: (method, error, times = 1) => void failures.set(method, { error, times }),
  };
}

function listPage(all: Execution[], q: ExecutionQuery) {
  const range = toRowKeyRange(q.since, q.until);
  const after = q.afterExecId ? execRowKey(q.afterExecId) : undefined;
  const items = all
    .filter((e) => {
      const key = execRowKey(e.execId);
      return (!range.from || key >= range.from) && (!range.before || key < range.before) && (!after || key > after);
    })
    .filter((e) => matchesQuery(e, q))
    .sort((a, b) => execRowKey(a.execId).localeCompare(execRowKey(b.execId)))
    .slice(0, q.limit)
    .map(listedOf);
  const last = items.at(-1);
  return { items, ...(items.length >= q.limit && last ? { lastExecId: last.execId } : {}) };
}
