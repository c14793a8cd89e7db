// A trigger whose record insert dies with the table service: answered 202 if the record landed, 503 if it did not.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startOwnStorage } from '../../support/fault-storage';
import { proxyTables } from '../../support/tcp-proxy';
import { call, mappingDoc, startTestRuntime, waitForTerminal } from '../../support/test-runtime';

const OUTAGE_MS = 3000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function setUp() {
  const { az, ranFile } = await startOwnStorage('cloudo-lost-insert-', cleanups);
  const { proxy, connection } = await proxyTables(az.connectionString);
  cleanups.push(() => proxy.close());
  const rt = await startTestRuntime({
    connection,
    mappings: mappingDoc('lost', [{ id: 'count', name: 'count', runbook: 'count.sh' }]),
    runbooks: { 'count.sh': 'echo "$CLOUDO_EXEC_ID" >> "$OUT_FILE"\n' },
    // A stranded run is sent again within seconds: a record the caller was refused would run during the test.
    env: {
      OUT_FILE: ranFile,
      CLOUDO_RUNBOOK_ENV_ALLOW: 'OUT_FILE',
      CLOUDO_SWEEP_SCHEDULE: '*/1 * * * * *',
      CLOUDO_REQUEUE_AFTER_SECONDS: '1',
    },
  });
  cleanups.push(() => rt.stop());
  const ran = () => readFileSync(ranFile, 'utf8').split('\n').filter(Boolean);
  // The insert of the execution record itself, by its body: index rows are upserts, audit rows have their own keys.
  const insert = /"PartitionKey":"x"/;
  // The table service dies at the cut and comes back after OUTAGE_MS, on the same data.
  const outage = (at: 'request' | 'answer') =>
    proxy.cut(insert, at, async () => {
      await az.kill('table');
      setTimeout(() => void az.start('table'), OUTAGE_MS);
    });
  return { rt, ran, outage };
}

describe('a trigger whose record insert dies with the table service', () => {
  it('is accepted, and runs once, when the insert landed and only its answer was lost', async () => {
    const { rt, ran, outage } = await setUp();
    const cut = outage('answer');
    const res = await call('POST', `${rt.url}/api/Trigger?id=count`);
    await cut;
    // A 503 here would tell the caller nothing was recorded, while the Sweeper sends the record it wrote.
    expect(res.status).toBe(202);
    const execId = String(res.body['execId']);
    expect((await waitForTerminal(rt.url, execId, 60_000))['status']).toBe('succeeded');
    expect(ran()).toEqual([execId]);
  }, 90_000);

  it('is refused with 503, and never runs, when the insert never reached storage', async () => {
    const { rt, ran, outage } = await setUp();
    const cut = outage('request');
    const res = await call('POST', `${rt.url}/api/Trigger?id=count`);
    await cut;
    expect(res.status).toBe(503);
    // Sweeps every second, re-sending anything queued after 1 s: a record that existed would have run by now.
    await new Promise((r) => setTimeout(r, 6000));
    expect(ran()).toEqual([]);
    const { body } = await call('GET', `${rt.url}/api/logs?limit=10`);
    expect(body['items']).toEqual([]);
  }, 90_000);
});
