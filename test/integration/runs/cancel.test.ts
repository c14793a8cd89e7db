// Cancel end to end: queued and pending runs end at once; a running one's whole process group is stopped by its worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUntil } from '../../support/poll';
import { isProcessAlive } from '../../support/proc-scan';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';

const RUNBOOKS = {
  // Ignores SIGTERM and leaves a child in a process group of its own: only the session-wide SIGKILL ends both.
  'stubborn.sh':
    '#!/usr/bin/env bash\ntrap \'\' TERM\nset -m\nsleep 300 &\necho "pids $$ $!"\nwhile true; do sleep 1; done\n',
  'ok.sh': '#!/usr/bin/env bash\necho done\n',
};

const MAPPINGS = mappingDoc('ops', [
  { id: 'stubborn', name: 'stubborn', runbook: 'stubborn.sh', timeout: 600, oncall: 'true' },
  { id: 'ok', name: 'ok', runbook: 'ok.sh' },
  { id: 'gated', name: 'gated', runbook: 'ok.sh', require_approval: 'true' },
]);

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: MAPPINGS,
    runbooks: RUNBOOKS,
    env: { CLOUDO_KILL_GRACE_SECONDS: '1' },
    // One run at a time: a second request stays queued while the first runs.
    queueOverrides: { batchSize: 1, newBatchThreshold: 0 },
  });
});
afterAll(async () => rt?.stop());

async function trigger(id: string): Promise<string> {
  const res = await call('POST', `${rt.url}/api/Trigger?id=${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return String(res.body['execId']);
}

const cancel = (execId: string, body?: unknown) => call('POST', `${rt.url}/api/logs/${execId}/cancel`, body);

const isAlive = isProcessAlive;

describe('cancel', () => {
  it('stops a running run and its whole process group, and ends a queued one that the worker then drops', async () => {
    const running = await trigger('stubborn');
    const started = await readUntil(
      () => call('GET', `${rt.url}/api/logs/${running}`),
      (r) => /pids \d+ \d+/.test(String(r.body['output'] ?? '')),
    );
    const pids = (/pids (\d+) (\d+)/.exec(String(started.body['output'])) ?? []).slice(1).map(Number);
    expect(pids.every(isAlive)).toBe(true);
    const queued = await trigger('ok');
    expect((await call('GET', `${rt.url}/api/logs/${queued}`)).body['status']).toBe('queued');

    const off = await cancel(queued, { reason: 'not needed' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({
      status: 'cancelled',
      error: 'cancelled by local: not needed',
      cancel: { requestedBy: 'local', reason: 'not needed' },
    });

    const asked = await cancel(running, { reason: 'wrong host' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ status: 'running', cancel: { reason: 'wrong host' } });
    const done = await waitForTerminal(rt.url, running);
    expect(done).toMatchObject({ status: 'cancelled', error: 'cancelled by local: wrong host' });
    expect(done['signal']).toBe('SIGKILL');
    // Recorded only once the process group is gone: the runbook and its child in a group of its own.
    expect(pids.filter(isAlive)).toEqual([]);
    // No page for a run a person stopped, though the mapping is on-call.
    expect(done['notifications']).toEqual([]);

    // The queued run's message reached the freed worker, which left it as it was.
    await readUntil(
      async () => rt.logs.join('\n'),
      (logs) => logs.includes(`skip ${queued}: already cancelled`),
    );
    expect((await call('GET', `${rt.url}/api/logs/${queued}`)).body).toMatchObject({
      status: 'cancelled',
      exitCode: null,
    });
  });

  it('cancels a run waiting for approval, and its approval link no longer works', async () => {
    const res = await call('POST', `${rt.url}/api/Trigger?id=gated`);
    const execId = String(res.body['execId']);
    const approve = String((res.body['links'] as Record<string, string>)['approve']);
    expect((await cancel(execId)).body).toMatchObject({ status: 'cancelled', cancel: { reason: null } });
    const late = await fetch(approve, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ name: 'ada' }),
    });
    expect(late.status).toBe(409);
  });

  it('answers 409 naming the status of a run that is over, and 4xx for bad input', async () => {
    const execId = await trigger('ok');
    await waitForTerminal(rt.url, execId);
    const over = await cancel(execId);
    expect(over.status).toBe(409);
    expect(over.body['error']).toMatchObject({ code: 'conflict', field: 'execId', status: 'succeeded' });
    expect(String((over.body['error'] as Record<string, unknown>)['message'])).toContain('already succeeded');
    expect((await cancel('20260101T000000000Z-00000000')).status).toBe(404);
    expect((await cancel('nope')).body['error']).toMatchObject({ field: 'execId' });
    expect((await cancel(execId, { reason: 'a', by: 'me' })).body['error']).toMatchObject({ field: 'by' });
    expect((await cancel(execId, { reason: 'x'.repeat(501) })).body['error']).toMatchObject({ field: 'reason' });
    const listed = await call('GET', `${rt.url}/api/logs?status=cancelled`);
    expect(listed.status).toBe(200);
    expect((listed.body['items'] as unknown[]).length).toBeGreaterThanOrEqual(2);
  });
});
