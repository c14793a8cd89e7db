// Attack: an alert storm leaves a backlog on a pool's queue, longer than the re-delivery waits. A run whose message
// merely waits its turn must not be given up as "never reached a worker": the Sweeper sees the queue still holds
// messages and waits the backlog out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';

const RUNS = 8;
let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: mappingDoc('p', [{ id: 'slow', name: 'slow', runbook: 'slow.sh' }]),
    runbooks: { 'slow.sh': 'sleep 3\n' },
    // The defaults scaled down: 1 s instead of 120 s, a sweep every second instead of every minute, and one runbook
    // at a time instead of six. The given-up horizon is then 1 + 2 + 4 + 8 = 15 s; the backlog takes 8 × 3 = 24 s.
    env: { CLOUDO_REQUEUE_AFTER_SECONDS: '1', CLOUDO_SWEEP_SCHEDULE: '* * * * * *' },
    queueOverrides: { batchSize: 1, newBatchThreshold: 0 },
  });
});
afterAll(async () => rt?.stop());

describe('a backlog on a pool queue', () => {
  it('runs every accepted run, however long it waited', async () => {
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const accepted = await call('POST', `${rt.url}/api/Trigger?id=slow`);
      expect(accepted.status).toBe(202);
      ids.push(String(accepted.body['execId']));
    }
    const ended = await Promise.all(ids.map((id) => waitForTerminal(rt.url, id, 120_000)));
    expect(ended.map((e) => `${String(e['status'])} ${String(e['error'] ?? '')}`.trim())).toEqual(
      ids.map(() => 'succeeded'),
    );
  });
});
