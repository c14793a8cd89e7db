// Opsgenie paging end to end against a stand-in server: pages on failure, closes on recovery, survives outages.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { useOncallRuntime } from '../../support/oncall-runtime';
import { readableDir } from '../../support/runbook-dirs';
import { call, mappingDoc, waitForTerminal, type Json } from '../../support/test-runtime';

const KEY = 'opsgenie-default-key-0001';
const TEAM_KEY = 'opsgenie-team-b-key-0002';
const flags = readableDir('cloudo-paging-');

const h = useOncallRuntime((og) => ({
  mappings: [
    ...mappingDoc('ops', [
      {
        id: 'flaky fix é%&',
        name: 'flaky',
        runbook: 'flaky.sh',
        oncall: true,
        opsgenie: { tags: ['db'], responders: ['sre-team'] },
      },
      { id: 'quiet', name: 'quiet', runbook: 'flaky.sh', oncall: false },
    ]),
    ...mappingDoc('team-b', [
      { id: 'team-fix', name: 'team', runbook: 'flaky.sh', oncall: true, opsgenie: { priority: 'P2' } },
    ]),
  ],
  // Fails while its flag file exists, so one mapping can fail and then recover.
  runbooks: {
    'flaky.sh': 'echo "checking"\nif [ -e "$FLAG_DIR/fail" ]; then echo "still broken" >&2; exit 3; fi\necho fixed\n',
  },
  env: {
    OPSGENIE_API_KEY: KEY,
    OPSGENIE_API_KEY_TEAM_B: TEAM_KEY,
    OPSGENIE_API_URL: og.url,
    CLOUDO_PUBLIC_URL: 'https://cloudo.example.com',
    CLOUDO_NOTIFY_TIMEOUT_SECONDS: '2',
    CLOUDO_RUNBOOK_ENV_ALLOW: 'FLAG_DIR',
    FLAG_DIR: flags,
  },
}));
afterAll(() => {
  rmSync(flags, { recursive: true, force: true });
});

beforeEach(() => h.og.clear());

const failing = (on: boolean) =>
  on ? writeFileSync(path.join(flags, 'fail'), '') : rmSync(path.join(flags, 'fail'), { force: true });

async function run(id: string, partition = 'ops'): Promise<Json> {
  const res = await fetch(`${h.rt.url}/api/Trigger/${partition}?id=${encodeURIComponent(id)}`, { method: 'POST' });
  const { execId } = (await res.json()) as { execId: string };
  await waitForTerminal(h.rt.url, execId);
  // The page is sent right after the result is recorded; wait for the outbox to settle.
  for (let i = 0; i < 100; i++) {
    const { body } = await call('GET', `${h.rt.url}/api/logs/${execId}`);
    const owed = ((body['notifications'] ?? []) as Json[]).some((n) => n['state'] === 'pending');
    if (!owed) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`notifications of ${execId} still pending`);
}

/** The execution's first notification, once it satisfies `done`. */
async function outbox(execId: string, done: (n: Json) => boolean): Promise<Json> {
  for (let i = 0; i < 100; i++) {
    const { body } = await call('GET', `${h.rt.url}/api/logs/${execId}`);
    const first = ((body['notifications'] ?? []) as Json[])[0];
    if (first && done(first)) return first;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`notification of ${execId} not settled`);
}

const ALIAS = `cloudo/ops/flaky fix é%&/none`;
const CLOSE_PATH = `/v2/alerts/${encodeURIComponent(ALIAS)}/close?identifierType=alias`;

describe('Opsgenie paging', () => {
  it('pages a failed on-call run with the exact alert, and closes it when a later run succeeds', async () => {
    failing(true);
    const failed = await run('flaky fix é%&');
    expect(failed['status']).toBe('failed');
    const create = await h.og.waitFor((r) => r.path === '/v2/alerts');
    expect(create.method).toBe('POST');
    expect(create.headers['authorization']).toBe(`GenieKey ${KEY}`);
    const id = String(failed['execId']);
    expect(create.body).toEqual({
      message: 'ClouDO: flaky.sh failed (ops/flaky fix é%&)',
      alias: ALIAS,
      description: [
        `Execution ${id} of ops/flaky fix é%& (flaky), runbook flaky.sh`,
        'Status: failed, exit code 3',
        'Trigger: manual',
        // The local runtime's user asked (no sign-in there: every caller is its user).
        'Requested by: local',
        '',
        'Output:',
        'checking\nstill broken\n',
      ].join('\n'),
      details: {
        execId: id,
        link: `https://cloudo.example.com/api/logs/${id}`,
        mapping: 'ops/flaky fix é%&',
        runbook: 'flaky.sh',
        exitCode: '3',
        status: 'failed',
        resource: '',
        trigger: 'manual',
      },
      priority: 'P3',
      tags: ['cloudo', 'failed', 'db'],
      entity: 'ops/flaky fix é%&',
      source: 'ClouDO',
      responders: [{ type: 'team', name: 'sre-team' }],
    });
    const [sent] = failed['notifications'] as Json[];
    expect(sent).toMatchObject({ channel: 'opsgenie', action: 'create', state: 'sent', attempts: 1 });
    expect(sent!['requestId']).toEqual(expect.any(String));

    failing(false);
    const healed = await run('flaky fix é%&');
    expect(healed['status']).toBe('succeeded');
    const close = await h.og.waitFor((r) => r.path === CLOSE_PATH);
    expect(close.body).toEqual({
      source: 'ClouDO',
      note: `Closed by ClouDO: execution ${String(healed['execId'])} of ops/flaky fix é%& succeeded.`,
    });

    h.og.clear();
    await run('flaky fix é%&');
    await new Promise((r) => setTimeout(r, 500));
    expect(h.og.requests).toHaveLength(0);
  });

  it('does not page runs of mappings that are not on call', async () => {
    failing(true);
    const failed = await run('quiet');
    expect(failed['status']).toBe('failed');
    expect(failed['notifications'] ?? []).toEqual([]);
    failing(false);
  });

  it('uses the partition key override and the mapping priority', async () => {
    failing(true);
    await run('team-fix', 'team-b');
    const create = await h.og.waitFor((r) => r.path === '/v2/alerts');
    expect(create.headers['authorization']).toBe(`GenieKey ${TEAM_KEY}`);
    expect(create.body).toMatchObject({ priority: 'P2' });
    failing(false);
  });

  it('delivers exactly once after a 503, and records a 401 as failing without harm', async () => {
    failing(true);
    h.og.respondWith({ status: 503, body: { message: 'down' } });
    const retried = await run('flaky fix é%&');
    await h.og.waitFor((r) => r.path === '/v2/alerts' && r.status === 202);
    const creates = h.og.requests.filter((r) => r.path === '/v2/alerts');
    expect(creates.map((r) => r.status)).toEqual([503, 202]);
    expect(await outbox(String(retried['execId']), (n) => n['state'] === 'sent')).toMatchObject({ attempts: 2 });

    h.og.clear();
    h.og.respondWith(...Array.from({ length: 5 }, () => ({ status: 401, body: { message: 'Key is not valid' } })));
    const rejected = await run('flaky fix é%&');
    const [n] = rejected['notifications'] as Json[];
    expect(n).toMatchObject({ state: 'failing' });
    expect(String(n!['lastError'])).toContain('401');
    expect(String(n!['lastError'])).not.toContain(KEY);
    failing(false);
    expect((await run('flaky fix é%&'))['status']).toBe('succeeded');
  });

  it('does not hold the worker while Opsgenie hangs', async () => {
    failing(true);
    h.og.respondWith(...Array.from({ length: 6 }, () => ({ status: 202, delayMs: 10_000 })));
    const slow = await run('flaky fix é%&');
    const [n] = slow['notifications'] as Json[];
    expect(n).toMatchObject({ state: 'failing' });
    expect(Number(n!['attempts'])).toBeLessThanOrEqual(2);
    failing(false);
    // The worker is free again while Opsgenie still hangs.
    expect((await run('quiet'))['status']).toBe('succeeded');
  });
});
