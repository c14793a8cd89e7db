// Load shedding over HTTP: past the accept concurrency a trigger hears 429 with Retry-After and records nothing;
// every 202 is a run that is recorded and ends.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';
import { proxyTables, type TcpProxy } from '../../support/tcp-proxy';

let proxy: TcpProxy;
let rt: TestRuntime;

beforeAll(async () => {
  const tables = await proxyTables(inject('storageConnection'));
  proxy = tables.proxy;
  rt = await startTestRuntime({
    mappings: mappingDoc('load', [{ id: 'noop', name: 'noop', runbook: 'noop.sh' }]),
    runbooks: { 'noop.sh': 'exit 0\n' },
    env: {
      CLOUDO_STORAGE_CONNECTION: tables.connection,
      CLOUDO_ACCEPT_CONCURRENCY: '2',
      CLOUDO_ACCEPT_WAIT_MS: '0',
    },
  });
});
afterAll(async () => {
  await rt?.stop();
  await proxy?.close();
});

describe('load shedding', () => {
  it('answers 202 or 429 to a burst, records exactly the 202s, and runs each of them', async () => {
    // Healthy storage that answers slowly: two requests hold both slots long enough for the rest to arrive.
    proxy.slow(300);
    const answers = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const res = await fetch(`${rt.url}/api/Trigger?id=noop`, { method: 'POST' });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Body };
      }),
    );
    proxy.slow(0);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202, 429]));
    for (const shed of answers.filter((a) => a.status === 429)) {
      expect(shed.retryAfter).toBe('1');
      expect(shed.body).toMatchObject({ error: { code: 'overloaded', retryAfterSeconds: 1 } });
    }
    const accepted = answers.filter((a) => a.status === 202).map((a) => String(a.body.execId));
    for (const execId of accepted) expect((await waitForTerminal(rt.url, execId))['status']).toBe('succeeded');
    const listed = (await (await fetch(`${rt.url}/api/logs?limit=100`)).json()) as { items: Body[] };
    expect(listed.items.map((e) => e.execId).sort()).toEqual(accepted.sort());
  });
});

type Body = { execId?: string; error?: unknown };
