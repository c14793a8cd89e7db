// ExecutionStore contract: what every implementation does, the Table adapter and the in-memory fake alike.
import { beforeAll, describe, expect, it } from 'vitest';
import { newExecId } from '../../src/domain/runs/exec-id';
import { finishExecution, newExecution, startExecution, type Execution } from '../../src/domain/runs/execution';
import { isAlreadyExists } from '../../src/domain/shared/errors';
import type { ExecutionStore } from '../../src/services/runs/ports';
import { sampleMapping } from '../support/fixtures';

const BASE = Date.parse('2026-03-01T00:00:00.000Z');

function execution(i: number, mappingId = 'a'): Execution {
  const now = new Date(BASE + i * 1000);
  const mapping = sampleMapping({ id: mappingId });
  return newExecution({ execId: newExecId(now), mapping, trigger: 'manual', now, defaultTimeoutSeconds: 60 });
}

/** Declares the contract's tests for the store `make` returns (one store for the whole suite). */
export function describeExecutionStoreContract(name: string, make: () => Promise<ExecutionStore>): void {
  describe(`ExecutionStore contract: ${name}`, () => {
    let store: ExecutionStore;
    const seeded: Execution[] = [];
    beforeAll(async () => {
      store = await make();
      for (let i = 0; i < 12; i++) seeded.push((await store.create(execution(i, i % 3 === 0 ? 'a' : 'b'))).value);
    });

    it('reads back what it created, with a version, and nothing for an unknown id', async () => {
      const e = execution(100);
      const created = await store.create(e);
      expect(created.value).toEqual(e);
      expect(created.etag).toBeTruthy();
      expect(await store.get(e.execId)).toEqual(created);
      expect(await store.get(newExecId(new Date(BASE - 1)))).toBeNull();
    });

    it('refuses a second record under the same id with alreadyExists', async () => {
      const e = execution(101);
      await store.create(e);
      const second = await store.create(e).catch((err: unknown) => err);
      expect(isAlreadyExists(second)).toBe(true);
    });

    it('replaces only the version it was given: a stale version loses, and nothing changes', async () => {
      const e = (await store.create(execution(102))).value;
      const read = (await store.get(e.execId))!;
      const started = await store.replaceIf(startExecution(e, new Date()), read);
      expect(started?.value.status).toBe('running');
      expect(await store.replaceIf(startExecution(e, new Date()), read)).toBeNull();
      expect((await store.get(e.execId))?.etag).toBe(started?.etag);
    });

    it('lists newest first, without output, and pages through all exactly once', async () => {
      const first = await store.list({ limit: 5, until: new Date(BASE + 11_000) });
      expect(first.items.map((e) => e.execId)).toEqual(
        seeded
          .slice(-5)
          .reverse()
          .map((e) => e.execId),
      );
      expect(first.items.every((e) => !('output' in e) && !('mappingEnv' in e))).toBe(true);
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.list({
          limit: 5,
          until: new Date(BASE + 11_000),
          ...(after ? { afterExecId: after } : {}),
        });
        seen.push(...page.items.map((e) => e.execId));
        after = page.lastExecId;
      } while (after);
      expect(seen).toEqual(seeded.map((e) => e.execId).reverse());
    });

    it('filters by mapping, status and time, following a status change', async () => {
      const range = { since: new Date(BASE), until: new Date(BASE + 11_000) };
      const ofA = await store.list({ limit: 50, mappingId: 'a', ...range });
      expect(ofA.items.map((e) => e.execId)).toEqual(
        seeded
          .filter((_, i) => i % 3 === 0)
          .reverse()
          .map((e) => e.execId),
      );
      const target = (await store.get(seeded[3]!.execId))!;
      const running = (await store.replaceIf(startExecution(target.value, new Date()), target))!;
      const done = finishExecution(running.value, { status: 'failed', exitCode: 1, signal: null }, new Date());
      await store.replaceIf(done, running);
      const failed = await store.list({ limit: 50, status: 'failed', ...range });
      expect(failed.items.map((e) => e.execId)).toEqual([seeded[3]!.execId]);
      const queued = await store.list({ limit: 50, status: 'queued', mappingId: 'a', ...range });
      expect(queued.items.map((e) => e.execId)).not.toContain(seeded[3]!.execId);
      const window = await store.list({ limit: 50, since: new Date(BASE + 2000), until: new Date(BASE + 4000) });
      expect(window.items.map((e) => e.execId)).toEqual(
        seeded
          .slice(2, 5)
          .reverse()
          .map((e) => e.execId),
      );
    });

    it('keeps rejected messages, newest first, at most as many as asked', async () => {
      const at = (s: number) => new Date(BASE + s * 1000).toISOString();
      for (const [i, id] of ['m1', 'm2', 'm3'].entries()) {
        await store.recordRejectedMessage({
          queue: 'q',
          messageId: id,
          reason: 'bad',
          preview: '{}',
          receivedAt: at(i),
        });
      }
      expect((await store.listRejectedMessages(2)).map((r) => r.messageId)).toEqual(['m3', 'm2']);
    });
  });
}
