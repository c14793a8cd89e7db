// The Sweeper's walk of a status over rounds: a backlog longer than one round is visited whole, oldest runs included.
import { describe, expect, it } from 'vitest';
import { forEachWithStatus, type SweepCursors } from '../../../src/services/runs/status-walk';
import type { Logger } from '../../../src/services/shared/ports';
import { createFakeExecutionStore } from '../../support/fakes/execution-store';
import { sampleExecution } from '../../support/fixtures';

const START = Date.parse('2026-03-01T00:00:00.000Z');
const UNTIL = new Date(START + 3_600_000);

async function backlog(size: number) {
  const executions = createFakeExecutionStore();
  const ids: string[] = [];
  for (let i = 0; i < size; i++) {
    const e = sampleExecution(new Date(START + i * 1000));
    await executions.create(e);
    ids.push(e.execId);
  }
  return { executions, ids };
}

type Store = Awaited<ReturnType<typeof backlog>>['executions'];

/** One round; the runs in `failing` cannot be visited (a queue send that timed out, say). */
async function round(executions: Store, resumeAt?: SweepCursors, failing: ReadonlySet<string> = new Set()) {
  const seen: string[] = [];
  const warnings: string[] = [];
  const log: Logger = { info: () => undefined, warn: (m) => void warnings.push(m), error: () => undefined };
  const visit = async (e: { execId: string }) => {
    if (failing.has(e.execId)) throw new Error('storage is down');
    seen.push(e.execId);
    return false;
  };
  await forEachWithStatus(executions, 'queued', UNTIL, visit, { resumeAt, log });
  return { seen, warnings };
}

// Newest first, as the walk visits them.
const newestFirst = (ids: readonly string[], from: number, to: number) => ids.slice(from, to).reverse();

describe('forEachWithStatus over rounds', () => {
  it('visits the newest every round, and the older ones on from where the last round stopped', async () => {
    const { executions, ids } = await backlog(2_500);
    const resumeAt: SweepCursors = new Map();
    const first = (await round(executions, resumeAt)).seen;
    expect(first).toEqual(newestFirst(ids, 500, 2_500));
    // The 500 oldest, which the first round could not reach, come right after the newest 1,000.
    const second = (await round(executions, resumeAt)).seen;
    expect(second).toEqual([...newestFirst(ids, 1_500, 2_500), ...newestFirst(ids, 0, 500)]);
    expect(resumeAt.size).toBe(0);
    expect((await round(executions, resumeAt)).seen).toEqual(first);
  });

  it('passes over a run it cannot visit, with a warning, so that run cannot pin the walk', async () => {
    const { executions, ids } = await backlog(2_500);
    const resumeAt: SweepCursors = new Map();
    await round(executions, resumeAt);
    const { seen, warnings } = await round(executions, resumeAt, new Set([ids[100] ?? '']));
    expect(seen).toEqual([
      ...newestFirst(ids, 1_500, 2_500),
      ...newestFirst(ids, 0, 500).filter((id) => id !== ids[100]),
    ]);
    expect(warnings).toEqual([expect.stringContaining(`${ids[100] ?? ''} (queued) not looked at`)]);
  });

  it('stops a round at many failures in a row (storage is down), and the next goes on from the same place', async () => {
    const { executions, ids } = await backlog(2_500);
    const resumeAt: SweepCursors = new Map();
    await round(executions, resumeAt);
    const down = new Set(ids.slice(300, 320));
    await expect(round(executions, resumeAt, down)).rejects.toThrow('storage is down');
    expect((await round(executions, resumeAt)).seen.slice(1_000)).toEqual(newestFirst(ids, 0, 500));
  });

  it('without a place to keep its cursor, visits the 2,000 newest each round', async () => {
    const { executions, ids } = await backlog(2_100);
    expect((await round(executions)).seen).toEqual(newestFirst(ids, 100, 2_100));
    expect((await round(executions)).seen).toEqual(newestFirst(ids, 100, 2_100));
  });
});
