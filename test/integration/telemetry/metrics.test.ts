// Metrics after real runs: /api/metrics in Prometheus text, whose counts add up to what ran, was refused and waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';
import { readUntil } from '../../support/poll';
import { uniqueName } from '../../support/unique-names';

// Metrics are the process's: a partition of this file's own keeps its series apart from other files' runtimes.
const P = uniqueName('tel').toLowerCase();
const RUNBOOKS = { 'ok.sh': '#!/usr/bin/env bash\necho fine\n', 'fail.sh': '#!/usr/bin/env bash\nexit 3\n' };
const MAPPINGS = mappingDoc(P, [
  { id: 'ok', name: 'ok', runbook: 'ok.sh' },
  { id: 'fail', name: 'fail', runbook: 'fail.sh' },
  { id: 'gated', name: 'gated', runbook: 'ok.sh', require_approval: true },
  { id: 'once', name: 'once', runbook: 'ok.sh', max_runs: { count: 1, window: '1h' } },
]);

/** The value of one series: `name{labels…}`, with the labels given matching. */
function valueOf(text: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  const line = text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .find((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  let rt: TestRuntime;
  let text: string;
  beforeAll(async () => {
    rt = await startTestRuntime({
      mappings: MAPPINGS,
      runbooks: RUNBOOKS,
      env: { CLOUDO_SWEEP_SCHEDULE: '*/2 * * * * *' },
    });
    const trigger = (id: string) => call('POST', `${rt.url}/api/Trigger?id=${id}`);
    const runs = await Promise.all([trigger('ok'), trigger('ok'), trigger('ok'), trigger('fail'), trigger('fail')]);
    for (const r of runs) await waitForTerminal(rt.url, String(r.body['execId']));
    await trigger('gated');
    await waitForTerminal(rt.url, String((await trigger('once')).body['execId']));
    expect((await trigger('once')).body['status']).toBe('throttled');
    // The Sweeper samples the gauges every run (every 2 s here).
    text = await readUntil(
      async () => (await fetch(`${rt.url}/api/metrics`)).text(),
      (t) => (valueOf(t, 'cloudo_approvals_waiting', {}) ?? 0) >= 1,
      30_000,
    );
  });
  afterAll(async () => rt?.stop());

  it('answers in Prometheus text, and is off where the setting says so', async () => {
    const res = await fetch(`${rt.url}/api/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(text).toMatch(/^# HELP cloudo_runs_finished/m);
  });

  it('counts runs requested by outcome and finished by status, and they add up', () => {
    const requested = (mapping: string, outcome: string) =>
      valueOf(text, 'cloudo_runs_requested_total', { mapping: `${P}/${mapping}`, outcome });
    const finished = (mapping: string, status: string) =>
      valueOf(text, 'cloudo_runs_finished_total', { mapping: `${P}/${mapping}`, status });
    expect(requested('ok', 'queued')).toBe(3);
    expect(requested('fail', 'queued')).toBe(2);
    expect(requested('gated', 'pending_approval')).toBe(1);
    expect(requested('once', 'queued')).toBe(1);
    expect(requested('once', 'throttled')).toBe(1);
    expect(finished('ok', 'succeeded')).toBe(3);
    expect(finished('fail', 'failed')).toBe(2);
    expect(finished('once', 'succeeded')).toBe(1);
    // Recorded throttled is recorded final: it ends there, and is counted there.
    expect(finished('once', 'throttled')).toBe(1);
    // Every run that ran was timed, from accept to start and from start to end.
    expect(valueOf(text, 'cloudo_run_duration_count', { mapping: `${P}/ok`, status: 'succeeded' })).toBe(3);
    expect(valueOf(text, 'cloudo_run_queue_time_count', { mapping: `${P}/fail` })).toBe(2);
  });

  it('times the answers by route and samples the health gauges', () => {
    expect(
      valueOf(text, 'cloudo_http_accept_duration_count', { route: 'Trigger', status_code: '202' }),
    ).toBeGreaterThanOrEqual(7);
    expect(valueOf(text, 'cloudo_approvals_waiting', {})).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'cloudo_runs_overdue', {})).toBe(0);
    expect(valueOf(text, 'cloudo_pages_owed', {})).toBeGreaterThanOrEqual(0);
  });
});
