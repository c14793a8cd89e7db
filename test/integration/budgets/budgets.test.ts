// Remediation budgets end to end: N+1 rapid triggers give N runs and one throttled, and a restart keeps the budget.
import { describe, expect, it } from 'vitest';
import { useOncallRuntime } from '../../support/oncall-runtime';
import { call, mappingDoc, waitForTerminal, type Json } from '../../support/test-runtime';
import { alertFixture } from '../../support/alert-fixtures';

const BUDGET = 3;

const h = useOncallRuntime((og) => ({
  mappings: mappingDoc('ops', [
    { id: 'looping', name: 'looping', runbook: 'ok.sh', oncall: true, max_runs: { count: BUDGET, window: '1h' } },
    {
      id: 'ask-when-spent',
      name: 'ask',
      runbook: 'ok.sh',
      max_runs: { count: 1, window: '1h' },
      on_budget_exceeded: 'require_approval',
    },
    {
      id: 'test-metricAlertRule',
      name: 'per resource',
      runbook: 'ok.sh',
      run_on: 'both',
      max_runs: { count: 1, window: '1h', per: 'resource' },
    },
  ]),
  runbooks: { 'ok.sh': 'echo ok\n' },
  env: { OPSGENIE_API_KEY: 'opsgenie-key-for-budget-tests', OPSGENIE_API_URL: og.url },
}));

const trigger = async (url: string, id: string) => {
  const res = await fetch(`${url}/api/Trigger?id=${id}`, { method: 'POST' });
  return { status: res.status, body: (await res.json()) as Json };
};

describe('remediation budgets', () => {
  it('runs N of N+1 rapid triggers, throttles one, pages with the history, and holds across a restart', async () => {
    const answers = await Promise.all(Array.from({ length: BUDGET + 1 }, () => trigger(h.rt.url, 'looping')));
    const queued = answers.filter((a) => a.body['status'] === 'queued');
    const throttled = answers.filter((a) => a.body['status'] === 'throttled');
    expect(queued).toHaveLength(BUDGET);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.status).toBe(200);
    expect(String(throttled[0]!.body['reason'])).toContain('budget');
    for (const q of queued)
      expect((await waitForTerminal(h.rt.url, String(q.body['execId'])))['status']).toBe('succeeded');

    const record = (await call('GET', `${h.rt.url}/api/logs/${String(throttled[0]!.body['execId'])}`)).body;
    expect(record['status']).toBe('throttled');
    const budget = record['budget'] as { recent: { execId: string }[] };
    expect(budget.recent.map((r) => r.execId).sort()).toEqual(queued.map((q) => String(q.body['execId'])).sort());
    const page = await h.og.waitFor(
      (r) => r.path === '/v2/alerts' && String((r.body as Json)['message']).includes('budget'),
    );
    for (const q of queued) expect(String((page.body as Json)['description'])).toContain(String(q.body['execId']));

    h.rt = await h.rt.restart();
    const after = await trigger(h.rt.url, 'looping');
    expect(after.body['status']).toBe('throttled');
  });

  it('asks a human instead when the mapping says so', async () => {
    const first = await trigger(h.rt.url, 'ask-when-spent');
    expect(first.body['status']).toBe('queued');
    const second = await trigger(h.rt.url, 'ask-when-spent');
    expect(second.status).toBe(202);
    expect(second.body['status']).toBe('pending_approval');
    const record = (await call('GET', `${h.rt.url}/api/logs/${String(second.body['execId'])}`)).body;
    expect(record['approval']).toMatchObject({ because: 'budget' });
  });

  it('keeps a separate budget per target resource', async () => {
    const alert = alertFixture<{ data: { essentials: Json } }>('azmon-metric-fired.json');
    const post = async (resourceId: string, firedAt: string) => {
      const body = structuredClone(alert);
      body.data.essentials['alertTargetIDs'] = [resourceId];
      body.data.essentials['firedDateTime'] = firedAt;
      // A different event each time, or it would be answered as a duplicate.
      body.data.essentials['alertId'] = `${resourceId}/alerts/${firedAt}`;
      const res = await fetch(`${h.rt.url}/api/Trigger`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return ((await res.json()) as { executions: Json[] }).executions[0]!['status'];
    };
    const vm = (n: string) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${n}`;
    expect(await post(vm('a'), '2026-11-22T01:00:00Z')).toBe('queued');
    expect(await post(vm('b'), '2026-11-22T01:00:00Z')).toBe('queued');
    expect(await post(vm('a'), '2026-11-22T02:00:00Z')).toBe('throttled');
  });
});
