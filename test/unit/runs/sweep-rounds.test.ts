// The Sweeper's walk of a status over rounds: a backlog longer than one round is visited whole, oldest runs included.
import { describe, expect, it } from 'vitest';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution } from '../../../src/domain/runs/execution';
import { forEachWithStatus, type SweepCursors } from '../../../src/services/runs/sweep-executions';
import { createFakeExecutionStore } from '../../support/fakes/execution-store';
import { sampleMapping } from '../../support/fixtures';

const START = Date.parse('2026-03-01T00:00:00.000Z');
const UNTIL = new Date(START + 3_600_000);

async function backlog(size: number) {
  const executions = createFakeExecutionStore();
  const ids: string[] = [];
  for (let i = 0; i < size; i++) {
    const now = new Date(START + i * 1000);
    const e = newExecution({
      execId: newExecId(now),
      mapping: sampleMapping(),
      trigger: 'manual',
      now,
      defaultTimeoutSeconds: 60,
    });
    await executions.create(e);
    ids.push(e.execId);
  }
  return { executions, ids };
}

async function round(executions: Awaited<ReturnType<typeof backlog>>['executions'], resumeAt?: SweepCursors) {
  const seen: string[] = [];
  const visit = async (e: { execId: string }) => (seen.push(e.execId), false);
  await forEachWithStatus(executions, 'queued', UNTIL, visit, resumeAt);
  return seen;
}

describe('forEachWithStatus over rounds', () => {
  it('goes on from where the last round stopped, then starts again from the newest', async () => {
    const { executions, ids } = await backlog(2_500);
    const resumeAt: SweepCursors = new Map();
    const first = await round(executions, resumeAt);
    expect(first).toEqual(ids.slice(500).reverse());
    const second = await round(executions, resumeAt);
    expect(second).toEqual(ids.slice(0, 500).reverse());
    expect(resumeAt.size).toBe(0);
    expect(await round(executions, resumeAt)).toEqual(first);
  });

  it('without a place to keep its cursor, visits the newest each round (as one-off callers want)', async () => {
    const { executions, ids } = await backlog(2_100);
    expect(await round(executions)).toEqual(ids.slice(100).reverse());
    expect(await round(executions)).toEqual(ids.slice(100).reverse());
  });
});
