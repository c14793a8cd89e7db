// GET /api/overview on a signed-in runtime of its own: counts after real runs (succeeded, failed, throttled,
// skipped, waiting for approval, cancelled), a poisoned message and an alert nobody claimed; 400s naming hours.
import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import { readUntil } from '../../support/poll';
import { useSignedInRuntime } from '../../support/principals';
import { ADMIN, MAPPINGS, NOBODY, OPERATOR, READER, RUNBOOKS, unclaimedAlert } from './console-people';

type Json = Record<string, unknown>;
const signedIn = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
const { as } = signedIn;

const overview = async (query = ''): Promise<Json> => {
  const res = await as(READER, 'GET', `overview${query}`);
  expect(res.status).toBe(200);
  return res.body;
};
const statusOf = async (execId: string) => String((await as(READER, 'GET', `logs/${execId}`)).body['status']);
const settled = (execId: string, not: string[] = ['queued', 'running']) =>
  readUntil(
    () => statusOf(execId),
    (s) => !not.includes(s),
    45_000,
  );
const run = async (id: string, body?: unknown): Promise<string> => {
  const res = await as(ADMIN, 'POST', `runs?id=${id}`, body);
  expect([200, 202]).toContain(res.status);
  return String(res.body['execId']);
};

describe('GET /api/overview', () => {
  it('starts empty and healthy', async () => {
    const o = await overview();
    expect(o).toMatchObject({
      runs: { total: 0, byStatus: {}, failureRate: 0, capped: false },
      waitingApproval: 0,
      throttled: 0,
      skipped: 0,
      stuck: 0,
      unmatchedAlerts: 0,
      health: { tables: 'ok', queues: 'ok' },
      oncall: { owed: 0, failing: 0, oldestOwedAt: null },
    });
    const since = Date.parse(String(o['since']));
    expect(Math.abs(Date.now() - 24 * 3600_000 - since)).toBeLessThan(60_000);
  });

  it('counts runs by status, what waits, poisoned messages and unmatched alerts', async () => {
    await settled(await run('greet', { params: { WHO: 'ada' } }));
    await settled(await run('broken'));
    await settled(await run('capped'));
    expect(await statusOf(await run('capped'))).toBe('throttled');
    expect(await statusOf(await run('vm-cpu-high'))).toBe('pending_approval');
    // The second run of a one-at-a-time mapping, asked while the first holds the slot, is skipped.
    const slow = await run('one-at-a-time');
    await settled(slow, ['queued']);
    expect(await settled(await run('one-at-a-time'))).toBe('skipped');
    await as(ADMIN, 'POST', `logs/${slow}/cancel`, {});
    await settled(slow);
    const rt = signedIn.runtime();
    const queues = QueueServiceClient.fromConnectionString(rt.runtime.connectionString);
    const workQueue = queues.getQueueClient(queueNameForPool(rt.config.queuePrefix, 'Runbook'));
    await workQueue.sendMessage(Buffer.from('not json {').toString('base64'));
    expect((await as(null, 'POST', 'Trigger', unclaimedAlert('NobodyClaimsThis'))).status).toBe(200);

    const o = await readUntil(
      () => overview('?hours=1'),
      (b) => (b['poisonMessages'] as Json)['total'] === 1,
      45_000,
    );
    expect(o).toMatchObject({
      runs: {
        total: 7,
        byStatus: { succeeded: 2, failed: 1, throttled: 1, pending_approval: 1, skipped: 1, cancelled: 1 },
        failureRate: 0.3333,
        capped: false,
      },
      waitingApproval: 1,
      throttled: 1,
      skipped: 1,
      stuck: 0,
      unmatchedAlerts: 1,
      health: { tables: 'ok', queues: 'ok' },
    });
    const poisoned = (o['poisonMessages'] as Json)['queues'] as Json[];
    expect(poisoned).toContainEqual({ name: `${workQueue.name}-poison`, count: 1 });
  });

  it.each(['0', '169', 'abc', '1.5', ''])('answers 400 naming hours for hours=%s', async (hours) => {
    const res = await as(READER, 'GET', `overview?hours=${hours}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'bad_request', field: 'hours' } });
  });

  it('needs a reader', async () => {
    expect((await as(null, 'GET', 'overview')).status).toBe(401);
    expect((await as(NOBODY, 'GET', 'overview')).status).toBe(403);
    expect((await as(OPERATOR, 'GET', 'overview')).status).toBe(200);
  });
});
