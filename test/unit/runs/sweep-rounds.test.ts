// The Sweeper's walk of a status over rounds: a backlog longer than one round is visited whole, oldest runs included.
import { describe, expect, it } from 'vitest';
import { forEachWithStatus, type SweepCursors } from '../../../src/services/runs/sweep-executions';
import { createFakeExecutionStore } from '../../support/fakes/execution-store';
import { sampleExecution } from '../../support/fixtures';

const START = Date.parse('2026-03-01T00:00:00.000Z');
const UNTIL = new Date(START + 3_600_000);

async function backlog(size: number) {
  const executions = createFakeExecutionStore();
  const ids: string[] = [];
  for (let i = 0; i < size; i++) {
    const now = new Date(START + i * 1000);
    const e = sampleExecution(now);
    await executions.create(e);
    ids.push(e.execId);
  }
  return { executions, ids };
}

type Store = Awaited<ReturnType<typeof backlog>>['executions'];

async function round(executions: Store, resumeAt?: SweepCursors, failAt?: string) {
  const seen: string[] = [];
  const visit = async (e: { execId: string }) => {
    if (e.execId === failAt) throw new Error('storage is down');
    seen.push(e.execId);
    return false;
  };
  await forEachWithStatus(executions, 'queued', UNTIL, visit, resumeAt);
  return seen;
}

// Newest first, as the walk visits them.
const newestFirst = (ids: readonly string[], from: number, to: number) => ids.slice(from, to).reverse();

describe('forEachWithStatus over rounds', () => {
  it('visits the newest every round, and the older ones on from where the last round stopped', async () => {
    const { executions, ids } = await backlog(2_500);
    const resumeAt: SweepCursors = new Map();
    const first = await round(executions, resumeAt);
    expect(first).toEqual(newestFirst(ids, 500, 2_500));
    // The 500 oldest, which the first round could not reach, come right after the newest 1,000.
    expect(await round(executions, resumeAt)).toEqual([...newestFirst(ids, 1_500, 2_500), ...newestFirst(ids, 0, 500)]);
    expect(resumeAt.size).toBe(0);
    expect(await round(executions, resumeAt)).toEqual(first);
  });

  it('starts again from the newest after a round that failed, so a failing run cannot pin the walk', async () => {
    const { executions, ids } = await backlog(2_500);
    const resumeAt: SweepCursors = new Map();
    await round(executions, resumeAt);
    await expect(round(executions, resumeAt, ids[100])).rejects.toThrow('storage is down');
    expect(resumeAt.size).toBe(0);
    expect(await round(executions, resumeAt)).toEqual(newestFirst(ids, 500, 2_500));
  });

  it('without a place to keep its cursor, visits the 2,000 newest each round', async () => {
    const { executions, ids } = await backlog(2_100);
    expect(await round(executions)).toEqual(newestFirst(ids, 100, 2_100));
    expect(await round(executions)).toEqual(newestFirst(ids, 100, 2_100));
  });
});
