// Schedules on the embedded runtime: two instances on one storage record exactly one run per due slot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { runOperator } from '../../../src/cli/operator-commands';
import { readUntil } from '../../support/poll';
import { call, mappingDoc, startRuntimePair, waitForTerminal, type TestRuntime } from '../../support/test-runtime';

type Json = Record<string, unknown>;

const RUNBOOKS = {
  'tick.sh': '#!/usr/bin/env bash\necho "slot=$CLOUDO_SCHEDULED_FOR trigger=$CLOUDO_TRIGGER n=$CLOUDO_PARAM_N"\n',
  'slow.sh': '#!/usr/bin/env bash\nsleep 8\n',
};

const MAPPINGS = mappingDoc('clock', [
  {
    id: 'every-5s',
    name: 'every-5s',
    runbook: 'tick.sh',
    schedule: '*/5 * * * * *',
    params: { N: { type: 'integer', required: true } },
    schedule_params: { N: 7 },
  },
  // Runs longer than its period: its concurrency policy skips the slots that come while it runs.
  { id: 'overrun', name: 'overrun', runbook: 'slow.sh', schedule: '* * * * * *', concurrency: { on_busy: 'skip' } },
]);

let rt: TestRuntime;
let peer: Awaited<ReturnType<typeof startRuntimePair>>['peer'];
let pair: Awaited<ReturnType<typeof startRuntimePair>> | undefined;
beforeAll(async () => {
  pair = await startRuntimePair({ mappings: MAPPINGS, runbooks: RUNBOOKS });
  ({ rt, peer } = pair);
});
afterAll(async () => pair?.stop());

describe('schedules', () => {
  it('runs each 5-second slot exactly once across two runtimes sharing one storage', async () => {
    const runs = await readUntil(
      async () => ((await call('GET', `${rt.url}/api/logs?mapping=every-5s&limit=200`)).body['items'] as Json[]) ?? [],
      (items) => items.length >= 4,
      60_000,
    );
    const slots = runs.map((e) => String(e['scheduledFor']));
    expect(new Set(slots).size).toBe(slots.length);
    for (const slot of slots) expect(new Date(slot).getUTCSeconds() % 5).toBe(0);
    // Both instances ticked every 5 s; the claim let only one record each slot.
    const recorded = [...rt.logs, ...peer.logs].filter((l) => /clock\/every-5s for its .* slot$/.test(l));
    expect(new Set(recorded.map((l) => /for its (\S+) slot/.exec(l)?.[1])).size).toBe(recorded.length);
    const done = await waitForTerminal(rt.url, String(runs[runs.length - 1]?.['execId']));
    const slot = String(done['scheduledFor']);
    expect(done).toMatchObject({ status: 'succeeded', trigger: 'schedule', requestedBy: 'schedule' });
    expect(done['output']).toBe(`slot=${slot} trigger=schedule n=7\n`);
  });

  it('lists each schedule with its next due times and last run, in the API and the CLI', async () => {
    const res = await call('GET', `${rt.url}/api/schedules`);
    expect(res.status).toBe(200);
    const item = (res.body['items'] as Json[]).find((i) => (i['mapping'] as Json)['id'] === 'every-5s');
    expect(item).toMatchObject({
      mapping: { partition_key: 'clock', id: 'every-5s' },
      schedule: { cron: '*/5 * * * * *', timezone: 'UTC' },
      enabled: true,
      lastRun: { status: expect.any(String) },
    });
    const next = item?.['next'] as string[];
    expect(next).toHaveLength(3);
    expect(Date.parse(next[1] ?? '') - Date.parse(next[0] ?? '')).toBe(5000);
    let out = '';
    const io = { out: (t: string) => void (out += t), err: () => undefined, tty: false, stdin: Readable.from([]) };
    expect(await runOperator('schedules', [], { ...io, env: { CLOUDO_URL: rt.url } })).toBe(0);
    expect(out).toMatch(/^MAPPING\s+SCHEDULE\s+ZONE\s+NEXT\s+LAST RUN\n/);
    expect(out).toMatch(/clock\/every-5s\s+\*\/5 \* \* \* \* \*\s+UTC\s+20\d\d-/);
  });

  it('puts scheduled runs through their concurrency policy: slots due while one runs are skipped', async () => {
    const runs = await readUntil(
      async () => ((await call('GET', `${rt.url}/api/logs?mapping=overrun&limit=200`)).body['items'] as Json[]) ?? [],
      (items) => items.some((e) => e['status'] === 'succeeded') && items.some((e) => e['status'] === 'skipped'),
      60_000,
    );
    const skipped = runs.find((e) => e['status'] === 'skipped') as Json;
    expect(skipped).toMatchObject({ trigger: 'schedule', error: expect.stringMatching(/^concurrency limit reached/) });
    const ran = runs.filter((e) => e['startedAt'] !== null);
    const spans = ran.map((e) => [Date.parse(String(e['startedAt'])), Date.parse(String(e['finishedAt'] ?? 'z'))]);
    spans.sort((a, b) => a[0]! - b[0]!);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]!);
  }, 90_000);
});
