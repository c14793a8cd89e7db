// Concurrency policies on the embedded runtime: a limit-1 mapping never overlaps, queues in order or skips, and a
// cancelled or finished run always passes its slot on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertFixture } from '../../support/alert-fixtures';
import { readUntil } from '../../support/poll';
import { call, mappingDoc, startRuntimePair, waitForTerminal, type TestRuntime } from '../../support/test-runtime';

type Json = Record<string, unknown>;

// Start and end in nanoseconds, from the runbook itself: the intervals are what ran, not what the record says.
const stamp = (sleep: string) =>
  `#!/usr/bin/env bash\necho "start $(date +%s%N)"\nsleep ${sleep}\necho "end $(date +%s%N)"\n`;

const RUNBOOKS = { 'short.sh': stamp('0.5'), 'long.sh': stamp('3'), 'hold.sh': stamp('30') };

const MAPPINGS = mappingDoc('conc', [
  { id: 'in-line', name: 'in-line', runbook: 'short.sh', concurrency: { limit: 1, on_busy: 'queue' } },
  { id: 'or-skip', name: 'or-skip', runbook: 'long.sh', concurrency: { limit: 1, on_busy: 'skip' } },
  { id: 'held', name: 'held', runbook: 'hold.sh', concurrency: { limit: 1 } },
  {
    id: 'per-target',
    name: 'per-target',
    runbook: 'long.sh',
    match: { alert_rule: 'test-metricAlertRule' },
    concurrency: { limit: 1, per: 'resource', on_busy: 'skip' },
  },
]);

// A second instance on the same storage: its worker takes messages of the same queue, so slots are shared for real.
let rt: TestRuntime;
let peer: Awaited<ReturnType<typeof startRuntimePair>>['peer'];
let pair: Awaited<ReturnType<typeof startRuntimePair>> | undefined;
beforeAll(async () => {
  pair = await startRuntimePair({ mappings: MAPPINGS, runbooks: RUNBOOKS });
  ({ rt, peer } = pair);
});
afterAll(async () => pair?.stop());

let turn = 0;
const trigger = async (id: string): Promise<string> => {
  // Requests alternate between the two instances.
  const url = turn++ % 2 === 0 ? rt.url : peer.url;
  const res = await call('POST', `${url}/api/Trigger?id=${id}`);
  expect(res.status).toBe(202);
  return String(res.body['execId']);
};

function interval(e: Json): [number, number] {
  const out = String(e['output']);
  const start = Number(/start (\d+)/.exec(out)?.[1]);
  const end = Number(/end (\d+)/.exec(out)?.[1]);
  return [start, end];
}

describe('concurrency', () => {
  it('runs all 10 of a limit-1 "queue" mapping, one at a time, the waiting ones in arrival order', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => trigger('in-line')));
    // While they wait, the reason is on the record.
    const waiting = await readUntil(
      async () => (await call('GET', `${rt.url}/api/logs?mapping=in-line&status=queued&limit=50`)).body,
      (body) => ((body['items'] as Json[]) ?? []).some((e) => e['waiting'] !== null),
      30_000,
    );
    const shown = ((waiting['items'] as Json[]) ?? []).find((e) => e['waiting'] !== null) as Json;
    expect((shown['waiting'] as Json)['reason']).toMatch(
      /^waiting for a concurrency slot \(1 run at a time\); last checked: running \S+, \d+ ahead in line$/,
    );
    expect(shown['concurrency']).toEqual({ limit: 1, per: 'mapping', on_busy: 'queue' });
    const done = await Promise.all(ids.map((id) => waitForTerminal(rt.url, id, 120_000)));
    expect(done.map((e) => e['status'])).toEqual(Array(10).fill('succeeded'));
    const spans = done.map(interval).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThan(spans[i - 1]![1]);
    // The runs that waited in line started in the order they were requested (execution ids sort by request time).
    const logs = [...rt.logs, ...peer.logs];
    const waited = done.filter((e) => logs.some((l) => l.includes(`${String(e['execId'])}: waiting (`)));
    expect(waited.length).toBeGreaterThan(0);
    const byStart = [...waited].sort((a, b) => interval(a)[0] - interval(b)[0]).map((e) => String(e['execId']));
    expect(byStart).toEqual([...byStart].sort());
  });

  it('runs one of 10 concurrent triggers of a limit-1 "skip" mapping and records 9 skipped with the reason', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => trigger('or-skip')));
    const done = await Promise.all(ids.map((id) => waitForTerminal(rt.url, id, 60_000)));
    const ran = done.filter((e) => e['status'] === 'succeeded');
    const skipped = done.filter((e) => e['status'] === 'skipped');
    expect(ran).toHaveLength(1);
    expect(skipped).toHaveLength(9);
    for (const e of skipped) {
      expect(e['error']).toBe(`concurrency limit reached (1 run at a time); running: ${String(ran[0]!['execId'])}`);
      expect(e['startedAt']).toBeNull();
    }
  });

  it('counts per target resource: the same resource skips, another one runs', async () => {
    const alert = (resource: string, n: number) => {
      const body = alertFixture<Json>('azmon-metric-fired.json');
      const essentials = (body['data'] as Json)['essentials'] as Json;
      essentials['alertId'] = `${String(essentials['alertId'])}-${resource}-${n}-${Date.now()}`;
      essentials['alertTargetIDs'] = [
        `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${resource}`,
      ];
      return body;
    };
    const fire = async (resource: string, n: number) => {
      const res = await call('POST', `${rt.url}/api/Trigger`, alert(resource, n));
      expect(res.status).toBe(202);
      const run = (res.body['executions'] as Json[]).find((e) => (e['mapping'] as Json)['id'] === 'per-target');
      return String(run?.['execId']);
    };
    const [a1, a2, b1] = await Promise.all([fire('vm-a', 1), fire('vm-a', 2), fire('vm-b', 1)]);
    const [ra1, ra2, rb1] = await Promise.all([a1, a2, b1].map((id) => waitForTerminal(rt.url, id!, 60_000)));
    expect([ra1!['status'], ra2!['status']].sort()).toEqual(['skipped', 'succeeded']);
    expect(rb1!['status']).toBe('succeeded');
    const skipped = [ra1!, ra2!].find((e) => e['status'] === 'skipped')!;
    expect(skipped['error']).toMatch(/^concurrency limit reached \(1 run at a time on this resource\); running: \S+$/);
  });

  it('passes the slot on when a run in line or the running one is cancelled, and shows it in the dry run', async () => {
    const first = await trigger('held');
    await readUntil(
      async () => (await call('GET', `${rt.url}/api/logs/${first}`)).body,
      (e) => e['status'] === 'running',
    );
    const second = await trigger('held');
    const third = await trigger('held');
    await readUntil(
      async () => (await call('GET', `${rt.url}/api/logs/${third}`)).body,
      (e) => e['waiting'] !== null,
    );
    const dry = await call('POST', `${rt.url}/api/Trigger?id=held&dry_run=true`);
    expect(dry.body['concurrency']).toEqual({
      limit: 1,
      per: 'mapping',
      on_busy: 'queue',
      running: [first],
      waiting: 2,
      now: 'waits',
    });
    expect((await call('POST', `${rt.url}/api/logs/${second}/cancel`)).status).toBe(200);
    expect((await call('POST', `${rt.url}/api/logs/${first}/cancel`)).status).toBe(202);
    expect((await waitForTerminal(rt.url, first))['status']).toBe('cancelled');
    expect((await waitForTerminal(rt.url, second))['status']).toBe('cancelled');
    const started = await readUntil(
      async () => (await call('GET', `${rt.url}/api/logs/${third}`)).body,
      (e) => e['status'] === 'running',
      30_000,
    );
    expect(started['waiting']).toBeNull();
    await call('POST', `${rt.url}/api/logs/${third}/cancel`);
    expect((await waitForTerminal(rt.url, third))['status']).toBe('cancelled');
    const after = await call('POST', `${rt.url}/api/Trigger?id=held&dry_run=true`);
    expect(after.body['concurrency']).toMatchObject({ running: [], waiting: 0, now: 'starts' });
  });
});
