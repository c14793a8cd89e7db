// Alert webhooks end to end: real fixtures over HTTP, the exact runbook environment, idempotency, skips and fan-out.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvDump } from '../../support/env-dump';
import { writableDir } from '../../support/runbook-dirs';
import { waitUntilGone } from '../../support/poll';
import { parseAlertPayload } from '../../../src/domain/alerts/alert-payload';
import { buildAlertEnvironment } from '../../../src/domain/alerts/alert-env';
import { mappingDoc, startTestRuntime, waitForTerminal, type Json, type TestRuntime } from '../../support/test-runtime';
import { alertFixture } from '../../support/alert-fixtures';

const fixture = (name: string): Json => alertFixture<Json>(name);
const out = writableDir('cloudo-alerts-out-');

// Writes the environment it received, and a copy of the alert file, where the test can read them.
const ENV_RUNBOOK = [
  '#!/usr/bin/env bash',
  'env -0 > "$OUT_DIR/$CLOUDO_EXEC_ID.env"',
  'cp "$CLOUDO_ALERT_FILE" "$OUT_DIR/$CLOUDO_EXEC_ID.alert.json"',
  'echo "$CLOUDO_ALERT_FILE" > "$OUT_DIR/$CLOUDO_EXEC_ID.alert-path"',
].join('\n');

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: [
      ...mappingDoc('azure', [
        {
          id: 'test-metricAlertRule',
          name: 'metric',
          runbook: 'env.sh',
          env: { API_TOKEN: 'supersecretvalue', GREETING: 'hello' },
        },
        { id: 'test-logAlertRule-v2', name: 'log', runbook: 'env.sh' },
        { id: 'test-activityLogAlertRule', name: 'activity', runbook: 'env.sh', run_on: 'both' },
        { id: 'WCUS-R2-Gen2', name: 'fired-only', runbook: 'env.sh' },
      ]),
      ...mappingDoc('k8s', [
        { id: 'KubeDeploymentReplicasMismatch', name: 'replicas', runbook: 'env.sh', run_on: 'both' },
        {
          id: 'crashloop',
          name: 'crashloop',
          runbook: 'env.sh',
          match: { labels: ['alertname="KubePodCrashLooping"'] },
        },
      ]),
    ],
    runbooks: { 'env.sh': ENV_RUNBOOK },
    env: { CLOUDO_RUNBOOK_ENV_ALLOW: 'OUT_DIR', OUT_DIR: out },
  });
});
afterAll(async () => {
  await rt?.stop();
  rmSync(out, { recursive: true, force: true });
});

async function post(body: unknown, query = '', contentType = 'application/json') {
  const res = await fetch(`${rt.url}/api/Trigger${query}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const runs = (body: Json) => body['executions'] as Json[];

const receivedEnv = (execId: string) => readEnvDump(out, execId);

describe('Azure Monitor and Alertmanager webhooks', () => {
  it.each(['azmon-metric-fired.json', 'azmon-log-v2-fired.json', 'azmon-activity-log-fired.json'])(
    '%s runs its mapping with the alert context in the environment',
    async (name) => {
      const payload = fixture(name);
      const res = await post(payload);
      expect(res.status).toBe(202);
      const [run] = runs(res.body);
      const done = await waitForTerminal(rt.url, String(run?.['execId']));
      expect(done['status']).toBe('succeeded');
      const parsed = parseAlertPayload(payload);
      if (!parsed.ok || !parsed.alerts[0]) throw new Error('fixture did not parse');
      const env = receivedEnv(String(done['execId']));
      expect(env).toMatchObject(buildAlertEnvironment(parsed.alerts[0].alert));
      expect(env).toMatchObject({ CLOUDO_TRIGGER: 'azure-monitor', MONITOR_CONDITION: 'Fired', OUT_DIR: out });
      expect(JSON.parse(readFileSync(path.join(out, `${String(done['execId'])}.alert.json`), 'utf8'))).toEqual(payload);
      const alertPath = readFileSync(path.join(out, `${String(done['execId'])}.alert-path`), 'utf8').trim();
      await waitUntilGone(alertPath);
      // HOME and TMPDIR: the run's own directory, beside the alert file, gone with it.
      expect(env['HOME']).toBe(path.join(path.dirname(alertPath), 'home'));
      expect(env['TMPDIR']).toBe(env['HOME']);
      await waitUntilGone(path.dirname(alertPath));
      expect(Object.keys(env).every((k) => /^[A-Z_][A-Z0-9_]*$/.test(k))).toBe(true);
    },
  );

  it('fans an Alertmanager webhook out per alert, with labels as variables', async () => {
    const res = await post(fixture('alertmanager-webhook-v4-firing.composed.json'));
    expect(res.status).toBe(202);
    expect(runs(res.body)).toHaveLength(2);
    const done = await Promise.all(runs(res.body).map((r) => waitForTerminal(rt.url, String(r['execId']))));
    const envs = done.map((d) => receivedEnv(String(d['execId'])));
    expect(envs.map((e) => e['MONITOR_CONDITION']).sort()).toEqual(['Fired', 'Resolved']);
    expect(envs.every((e) => e['ALERT_LABEL_ALERTNAME'] === 'KubeDeploymentReplicasMismatch')).toBe(true);
    expect(envs.every((e) => e['CLOUDO_TRIGGER'] === 'alertmanager')).toBe(true);
  });

  it('gives a crash-looping pod alert its Kubernetes context, never the scrape job', async () => {
    const alert = (pod: string) => ({
      status: 'firing',
      labels: {
        alertname: 'KubePodCrashLooping',
        namespace: 'payments',
        pod,
        container: 'api',
        job: 'kube-state-metrics',
        severity: 'warning',
      },
      annotations: { summary: 'Pod is crash looping.' },
      startsAt: '2026-11-22T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: `fp-${pod}`,
    });
    const pods = ['checkout-1', 'checkout-2', 'checkout-3'].map((p) => `${p}-${Date.now()}`);
    const res = await post({ version: '4', status: 'firing', receiver: 'cloudo', alerts: pods.map(alert) });
    expect(res.status).toBe(202);
    expect(runs(res.body)).toHaveLength(3);
    const done = await Promise.all(runs(res.body).map((r) => waitForTerminal(rt.url, String(r['execId']))));
    const env = receivedEnv(String(done[0]?.['execId']));
    expect(env).toMatchObject({
      CLOUDO_TRIGGER: 'alertmanager',
      CLOUDO_MAPPING_ID: 'crashloop',
      MONITOR_CONDITION: 'Fired',
      SEVERITY: 'warning',
      ALERT_RULE: 'KubePodCrashLooping',
      ALERT_ID: `fp-${pods[0]}`,
      SIGNAL_TYPE: 'Prometheus',
      FIRED_AT: '2026-11-22T10:00:00.000Z',
      AKS_NAMESPACE: 'payments',
      AKS_POD: pods[0],
      ALERT_LABEL_ALERTNAME: 'KubePodCrashLooping',
      ALERT_LABEL_NAMESPACE: 'payments',
      ALERT_LABEL_POD: pods[0],
      ALERT_LABEL_CONTAINER: 'api',
      ALERT_LABEL_JOB: 'kube-state-metrics',
      ALERT_LABEL_SEVERITY: 'warning',
    });
    expect(env['AKS_JOB']).toBeUndefined();
    expect(env['RESOLVED_AT']).toBeUndefined();
  });

  it('runs one alert event once, however often and however concurrently it is delivered', async () => {
    const payload = fixture('azmon-log-v2-fired.json');
    (payload['data'] as Json)['essentials'] = {
      ...((payload['data'] as Json)['essentials'] as Json),
      alertId: `/subscriptions/x/providers/Microsoft.AlertsManagement/alerts/dup-${Date.now()}`,
    };
    const replies = await Promise.all(Array.from({ length: 10 }, () => post(payload)));
    expect(replies.map((r) => r.status).filter((s) => s !== 200 && s !== 202)).toEqual([]);
    const ids = new Set(replies.map((r) => String(runs(r.body)[0]?.['execId'])));
    expect(ids.size).toBe(1);
    const again = await post(payload);
    expect(again.status).toBe(200);
    expect(runs(again.body)[0]).toMatchObject({ duplicate: true, execId: [...ids][0] });
    const alertId = ((payload['data'] as Json)['essentials'] as Json)['alertId'];
    const listed = await fetch(`${rt.url}/api/logs?mapping=test-logAlertRule-v2&limit=200`);
    const items = ((await listed.json()) as Json)['items'] as Json[];
    expect(items.filter((i) => (i['alert'] as Json | null)?.['alertId'] === alertId)).toHaveLength(1);
  });

  it('runs an alert listed twice in one webhook once', async () => {
    const payload = fixture('alertmanager-webhook-v4-firing.composed.json');
    const [first] = payload['alerts'] as Json[];
    const alert = { ...first, fingerprint: `twice-${Date.now()}` };
    const res = await post({ ...payload, alerts: [alert, alert] });
    expect(res.status).toBe(202);
    expect(runs(res.body)).toHaveLength(1);
  });

  it('records a Resolved alert for a fired-only mapping as skipped', async () => {
    const res = await post(fixture('azmon-metric-resolved.json'));
    expect(res.status).toBe(200);
    expect(runs(res.body)[0]).toMatchObject({ status: 'skipped', duplicate: false });
    expect(String(runs(res.body)[0]?.['reason'])).toMatch(/run_on/);
  });

  it('answers matched: 0 for an alert nobody claims, and lists it as unmatched', async () => {
    const payload = fixture('azmon-metric-fired.json');
    ((payload['data'] as Json)['essentials'] as Json)['alertRule'] = 'nobody-maps-this';
    const res = await post(payload);
    expect(res).toMatchObject({ status: 200, body: { alerts: 1, matched: 0, executions: [] } });
    const listed = (await (await fetch(`${rt.url}/api/alerts/unmatched`)).json()) as Json;
    expect((listed['items'] as Json[]).some((i) => i['rule'] === 'nobody-maps-this')).toBe(true);
  });

  it('filters logs by trigger kind and alert rule', async () => {
    const res = await fetch(`${rt.url}/api/logs?trigger=alertmanager&rule=KubeDeploymentReplicasMismatch`);
    const items = ((await res.json()) as Json)['items'] as Json[];
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.every((i) => i['trigger'] === 'alertmanager')).toBe(true);
  });
});

describe('dry run and bad payloads', () => {
  it('previews matches, reasons and environments without recording anything', async () => {
    const before = (await (await fetch(`${rt.url}/api/logs?limit=200`)).json()) as Json;
    const res = await post(fixture('azmon-metric-fired.json'), '?dry_run=true');
    expect(res.status).toBe(200);
    const [alert] = res.body['alerts'] as Json[];
    const previews = alert?.['mappings'] as Json[];
    const hit = previews.find((p) => (p['mapping'] as Json)['id'] === 'test-metricAlertRule');
    expect(hit).toMatchObject({ claimed: true, wouldRun: true, approvalRequired: false });
    expect(hit?.['environment']).toMatchObject({
      MONITOR_CONDITION: 'Fired',
      GREETING: 'hello',
      API_TOKEN: '[redacted]',
    });
    expect(previews.filter((p) => p['claimed'] === false).every((p) => (p['reasons'] as string[]).length > 0)).toBe(
      true,
    );
    const after = (await (await fetch(`${rt.url}/api/logs?limit=200`)).json()) as Json;
    expect((after['items'] as Json[]).length).toBe((before['items'] as Json[]).length);
  });

  it.each([
    ['invalid JSON', '{"schemaId": ', 'application/json', 400, 'body'],
    ['wrong content type', 'a=b', 'application/x-www-form-urlencoded', 415, 'content-type'],
    ['unknown payload', '{"hello": "world"}', 'application/json', 400, undefined],
    ['too large', JSON.stringify({ pad: 'x'.repeat(300 * 1024) }), 'application/json', 413, 'body'],
  ])('%s → %i', async (_name, body, type, status, field) => {
    const res = await post(body, '', type);
    expect(res.status).toBe(status);
    expect(res.body['error']).toMatchObject({ ...(field ? { field } : {}) });
  });
});
