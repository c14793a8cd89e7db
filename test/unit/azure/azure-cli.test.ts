// Tests for `cloudo azure verify | attach`: the real MonitorClient against recorded ARM answers, a local app stand-in.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMonitor } from '../../../src/adapters/azure/arm-monitor';
import type { AzureDeps } from '../../../src/cli/azure-deps';
import { runCli } from '../../../src/cli/main';
import {
  fakeArm,
  fixture,
  staticCredential,
  SUBSCRIPTION,
  TOKEN,
  type ArmRoute,
  type FakeArm,
} from '../../support/arm-recordings';

const KEY = 'host-key-7Qd2';
const RG_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups`;
const AG_PATH = `${RG_PATH}/rg-ops/providers/Microsoft.Insights/actionGroups/ag-cloudo`;
const AG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/ag-cloudo`;
const ONCALL_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/ag-oncall-mail`;

type AppRequest = { path: string; query: URLSearchParams; key: string | undefined };
type Arrived = Record<string, unknown>;

/** Stands in for the deployed app: key checks as the Functions host does, and the two listings the CLI reads. */
const app = {
  url: '',
  requests: [] as AppRequest[],
  executions: [] as Arrived[],
  unmatched: [] as Arrived[],
  server: http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const key = url.searchParams.get('code') ?? (req.headers['x-functions-key'] as string | undefined);
    app.requests.push({ path: url.pathname, query: url.searchParams, key });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (key !== KEY) return reply(401, {});
    if (url.pathname === '/api/Trigger') return reply(400, { error: { code: 'bad_request', field: 'id' } });
    if (url.pathname === '/api/logs') return reply(200, { items: app.executions, continuation: null });
    if (url.pathname === '/api/alerts/unmatched') return reply(200, { items: app.unmatched });
    return reply(404, {});
  }),
};

beforeAll(async () => {
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  app.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => app.server.close(() => resolve())));

afterEach(() => {
  app.requests = [];
  app.executions = [];
  app.unmatched = [];
  vi.restoreAllMocks();
});

function actionGroup(webhook: { serviceUri?: string; useCommonAlertSchema?: boolean } = {}) {
  const body = fixture('action-group');
  const props = body['properties'] as { webhookReceivers: Record<string, unknown>[] };
  Object.assign(props.webhookReceivers[0]!, { serviceUri: `${app.url}/api/Trigger?code=${KEY}`, ...webhook });
  return body;
}

const getGroup = (body: unknown, status = 200): ArmRoute => ({
  method: 'GET',
  path: AG_PATH,
  answers: [{ status, body }],
});

async function cli(arm: FakeArm, ...argv: string[]) {
  const out: string[] = [];
  const deps: AzureDeps = {
    monitor: (sub) => createMonitor(sub, { credential: staticCredential, httpClient: arm.httpClient, pollDelayMs: 1 }),
    fetch,
    print: (line) => out.push(line),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    appPollMs: 20,
  };
  const errors: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((msg: unknown) => void errors.push(String(msg)));
  const code = await runCli(argv, () => deps);
  return { code, out, errors: errors.join('\n') };
}

const verifyArgs = (...extra: string[]) => [
  'azure',
  'verify',
  '--subscription',
  SUBSCRIPTION,
  '--resource-group',
  'rg-ops',
  '--action-group',
  'ag-cloudo',
  '--app-url',
  app.url,
  ...extra,
];

describe('cloudo azure verify', () => {
  it('passes when a webhook posts to the Trigger with a working key and the common schema', async () => {
    const arm = fakeArm([getGroup(actionGroup())]);
    const { code, out } = await cli(arm, ...verifyArgs());
    expect(out).toEqual([
      'ok   action group rg-ops/ag-cloudo found',
      'ok   action group "ag-cloudo" is enabled',
      `ok   webhook "cloudo" points at ${app.url}/api/Trigger?code=…`,
      'ok   webhook "cloudo" carries a function key (?code=)',
      'ok   webhook "cloudo" uses the common alert schema',
      'ok   webhook "cloudo": the app accepts the webhook URL and key',
    ]);
    expect(code).toBe(0);
    expect(arm.requests).toEqual([
      { method: 'GET', path: AG_PATH, apiVersion: '2021-09-01', authorization: `Bearer ${TOKEN}`, body: undefined },
    ]);
    expect(app.requests).toEqual([expect.objectContaining({ path: '/api/Trigger', key: KEY })]);
  });

  it('fails each missing piece with its reason, and never prints a key', async () => {
    const noKey = `${app.url}/api/trigger/prod`;
    const arm = fakeArm([getGroup(actionGroup({ serviceUri: noKey, useCommonAlertSchema: false }))]);
    const { code, out } = await cli(arm, ...verifyArgs('--function-key', KEY));
    expect(out).toContain(`ok   webhook "cloudo" points at ${noKey}`);
    expect(out).toContain(
      'FAIL webhook "cloudo" has no ?code=<function key>: the Trigger requires one, Azure would get 401',
    );
    expect(out).toContain(
      'FAIL webhook "cloudo" has useCommonAlertSchema off: ClouDO reads the common alert schema only',
    );
    expect(code).toBe(1);
    expect(out.join('\n')).not.toContain(KEY);
  });

  it('fails when the app rejects the key in the webhook URL', async () => {
    const arm = fakeArm([getGroup(actionGroup({ serviceUri: `${app.url}/api/Trigger?code=stale-key` }))]);
    const { code, out } = await cli(arm, ...verifyArgs());
    expect(out).toContain('FAIL webhook "cloudo": the app rejected the function key: HTTP 401 {}');
    expect(code).toBe(1);
    expect(out.join('\n')).not.toContain('stale-key');
  });

  it('fails when no webhook points at the app, listing the ones that exist', async () => {
    const arm = fakeArm([getGroup(actionGroup({ serviceUri: 'https://other.example.com/api/Trigger?code=x' }))]);
    const { code, out } = await cli(arm, ...verifyArgs());
    expect(out).toContain(
      `FAIL no webhook receiver points at ${app.url}/api/Trigger (webhook receivers: "cloudo" → ` +
        'https://other.example.com/api/Trigger?code=…, "statuspage" → https://hooks.example.com/azure/3f9d2c)',
    );
    expect(code).toBe(1);
  });

  it('fails when the action group does not exist', async () => {
    const arm = fakeArm([getGroup(fixture('action-group-not-found'), 404)]);
    const { code, out } = await cli(arm, ...verifyArgs());
    expect(out).toEqual(['FAIL action group rg-ops/ag-cloudo: not found']);
    expect(code).toBe(1);
  });

  describe('--test', () => {
    const statusPath = `${AG_PATH}/notificationStatus/11000222191287`;
    const testRoutes = (onSent: () => void): ArmRoute[] => [
      getGroup(actionGroup()),
      {
        method: 'POST',
        path: `${AG_PATH}/createNotifications`,
        answers: [
          {
            status: 202,
            body: fixture('test-notification-accepted'),
            headers: {
              location: `https://management.azure.com${statusPath}?api-version=2021-09-01`,
              'retry-after': '5',
            },
          },
        ],
      },
      {
        method: 'GET',
        path: statusPath,
        answers: [{ status: 202 }, { status: 200, body: fixture('test-notification-status') }],
        onRequest: onSent,
      },
    ];

    it('sends a test alert to the webhook only, polls the notification and reports the execution it started', async () => {
      app.unmatched = [unmatchedRecord('earlier-alert')];
      const arm = fakeArm(testRoutes(() => void (app.executions = [executionRecord()])));
      const { code, out } = await cli(arm, ...verifyArgs('--function-key', KEY, '--test', '--wait-seconds', '5'));
      expect(out.slice(6)).toEqual([
        'sending a metricstaticthreshold test alert to webhook "cloudo"…',
        'ok   test notification Complete; Webhook "cloudo": Succeeded (Webhook call succeeded with status code 202.)',
        'ok   arrived: execution 20250602T091410123Z-ab12cd34 (queued): mapping default/vm-cpu-high → vm/restart.sh, ' +
          'rule "test-metricAlertRule"',
      ]);
      expect(code).toBe(0);
      const [, post, ...polls] = arm.requests;
      expect(post).toEqual({
        method: 'POST',
        path: `${AG_PATH}/createNotifications`,
        apiVersion: '2021-09-01',
        authorization: `Bearer ${TOKEN}`,
        body: {
          alertType: 'metricstaticthreshold',
          webhookReceivers: [
            {
              name: 'cloudo',
              serviceUri: `${app.url}/api/Trigger?code=${KEY}`,
              useCommonAlertSchema: true,
              useAadAuth: false,
            },
          ],
        },
      });
      expect(polls.map((p) => `${p.method} ${p.path} ${p.apiVersion}`)).toEqual([
        `GET ${statusPath} 2021-09-01`,
        `GET ${statusPath} 2021-09-01`,
      ]);
      const logs = app.requests.filter((r) => r.path === '/api/logs');
      expect(logs.length).toBeGreaterThanOrEqual(2);
      expect(logs[0]!.query.get('trigger')).toBe('azure-monitor');
      expect(Date.parse(logs[0]!.query.get('since')!)).toBeLessThan(Date.now());
      expect(app.requests.filter((r) => r.path !== '/api/Trigger').every((r) => r.key === KEY)).toBe(true);
    });

    it('reports an unmatched alert that arrived, not the one that was there before', async () => {
      app.unmatched = [unmatchedRecord('earlier-alert')];
      const arrive = () => void (app.unmatched = [unmatchedRecord('test'), unmatchedRecord('earlier-alert')]);
      const arm = fakeArm(testRoutes(arrive));
      const { code, out } = await cli(arm, ...verifyArgs('--test', '--alert-type', 'logalertv2'));
      expect(out.filter((l) => l.includes('arrived'))).toEqual([
        'ok   arrived: unmatched alert (no mapping claimed it): rule "test", Fired, received 2025-06-02T09:14:11.000Z',
      ]);
      expect(code).toBe(0);
      expect(arm.requests[1]!.body).toMatchObject({ alertType: 'logalertv2' });
    });

    it('fails when nothing arrives before the wait ends', async () => {
      const arm = fakeArm(testRoutes(() => undefined));
      const { code, out } = await cli(arm, ...verifyArgs('--test', '--wait-seconds', '1'));
      expect(out).toContain('FAIL nothing new arrived at the app within 1s');
      expect(code).toBe(1);
    });

    it('does not send a test alert when a check failed', async () => {
      const arm = fakeArm([getGroup(actionGroup({ useCommonAlertSchema: false }))]);
      const { code, out } = await cli(arm, ...verifyArgs('--test'));
      expect(out.at(-1)).toBe('skipped --test: fix the failures above first');
      expect(arm.requests.map((r) => r.method)).toEqual(['GET']);
      expect(code).toBe(1);
    });
  });
});

function executionRecord(): Arrived {
  return {
    execId: '20250602T091410123Z-ab12cd34',
    status: 'queued',
    mapping: { partition_key: 'default', id: 'vm-cpu-high', name: 'Restart the VM' },
    runbook: 'vm/restart.sh',
    trigger: 'azure-monitor',
    alert: { source: 'azure-monitor', alertId: '/subscriptions/x/alerts/1', rule: 'test-metricAlertRule' },
  };
}

function unmatchedRecord(rule: string): Arrived {
  const receivedAt = rule === 'test' ? '2025-06-02T09:14:11.000Z' : '2025-06-01T08:00:00.000Z';
  return {
    receivedAt,
    source: 'azure-monitor',
    alertId: `/alerts/${rule}`,
    rule,
    monitorCondition: 'Fired',
    partition: null,
  };
}

describe('cloudo azure attach', () => {
  const metricPath = `${RG_PATH}/rg-app/providers/Microsoft.Insights/metricAlerts/vm-cpu-high`;
  const logPath = `${RG_PATH}/rg-app/providers/microsoft.insights/scheduledqueryrules/aks-oomkilled`;
  const activityPath = `${RG_PATH}/rg-ops/providers/Microsoft.Insights/activityLogAlerts/vm-deleted`;
  const attach = (rule: string, group = AG_ID) => ['azure', 'attach', '--rule', rule, '--action-group-id', group];

  it('appends the action group to a metric alert with PATCH, keeping the actions it had', async () => {
    const arm = fakeArm([
      { method: 'GET', path: metricPath, answers: [{ status: 200, body: fixture('metric-alert') }] },
      { method: 'PATCH', path: metricPath, answers: [{ status: 200, body: fixture('metric-alert-updated') }] },
    ]);
    const { code, out } = await cli(arm, ...attach(metricPath));
    expect(arm.requests.map((r) => `${r.method} ${r.apiVersion}`)).toEqual(['GET 2018-03-01', 'PATCH 2018-03-01']);
    expect(arm.requests[1]!.body).toEqual({
      properties: {
        actions: [
          { actionGroupId: ONCALL_ID.toLowerCase(), webHookProperties: { team: 'sre' } },
          { actionGroupId: AG_ID },
        ],
      },
    });
    expect(out).toEqual([
      'attached: metric alert "vm-cpu-high" now uses action group "ag-cloudo"',
      `  + ${AG_ID}`,
      `  = ${ONCALL_ID.toLowerCase()}`,
    ]);
    expect(code).toBe(0);
  });

  it('changes nothing when the action group is already there, whatever the case of its id', async () => {
    const arm = fakeArm([
      { method: 'GET', path: metricPath, answers: [{ status: 200, body: fixture('metric-alert') }] },
    ]);
    const { code, out } = await cli(arm, ...attach(metricPath, ONCALL_ID.toUpperCase()));
    expect(out).toEqual(['already attached: metric alert "vm-cpu-high" already uses action group "AG-ONCALL-MAIL"']);
    expect(arm.requests.map((r) => r.method)).toEqual(['GET']);
    expect(code).toBe(0);
  });

  it('appends to a log search alert at the current API, keeping custom properties', async () => {
    const arm = fakeArm([
      { method: 'GET', path: logPath, answers: [{ status: 200, body: fixture('scheduled-query-rule') }] },
      { method: 'PATCH', path: logPath, answers: [{ status: 200, body: fixture('scheduled-query-rule-updated') }] },
    ]);
    const { code } = await cli(arm, ...attach(logPath));
    expect(arm.requests.map((r) => `${r.method} ${r.apiVersion} ${r.authorization}`)).toEqual([
      `GET 2023-12-01 Bearer ${TOKEN}`,
      `PATCH 2023-12-01 Bearer ${TOKEN}`,
    ]);
    expect(arm.requests[1]!.body).toEqual({
      properties: {
        actions: {
          actionGroups: [ONCALL_ID, AG_ID],
          customProperties: { runbook_hint: 'aks/restart' },
          actionProperties: {},
        },
      },
    });
    expect(code).toBe(0);
  });

  it('puts an activity log alert back whole, conditions untouched, with the action group appended', async () => {
    const arm = fakeArm([
      { method: 'GET', path: activityPath, answers: [{ status: 200, body: fixture('activity-log-alert') }] },
      { method: 'PUT', path: activityPath, answers: [{ status: 200, body: fixture('activity-log-alert-updated') }] },
    ]);
    const { code } = await cli(arm, ...attach(activityPath));
    expect(arm.requests.map((r) => `${r.method} ${r.apiVersion}`)).toEqual(['GET 2020-10-01', 'PUT 2020-10-01']);
    const expected = fixture('activity-log-alert');
    const props = expected['properties'] as { actions: { actionGroups: unknown[] } };
    props.actions.actionGroups.push({ actionGroupId: AG_ID });
    expect(arm.requests[1]!.body).toEqual(expected);
    expect(code).toBe(0);
  });

  it('reports the ARM error when the update is refused', async () => {
    const arm = fakeArm([
      { method: 'GET', path: metricPath, answers: [{ status: 200, body: fixture('metric-alert') }] },
      { method: 'PATCH', path: metricPath, answers: [{ status: 403, body: fixture('authorization-failed') }] },
    ]);
    await expect(cli(arm, ...attach(metricPath))).rejects.toThrow(
      /PATCH .*metricAlerts\/vm-cpu-high: 403 AuthorizationFailed: The client/,
    );
  });

  it('exits 2 for rule types it cannot attach to, without calling Azure', async () => {
    const smart = `${RG_PATH}/rg-app/providers/microsoft.alertsmanagement/smartDetectorAlertRules/failure-anomalies`;
    const arm = fakeArm([]);
    const { code, out } = await cli(arm, ...attach(smart));
    expect(out[0]).toMatch(/^not supported: microsoft\.alertsmanagement\/smartDetectorAlertRules/);
    expect(code).toBe(2);
    expect(arm.requests).toEqual([]);
  });
});

describe('azure command lines', () => {
  // Built when each case runs: the app's URL is known only once its server listens.
  it.each([
    [() => ['azure', 'verify', '--bogus', 'x'], 'unknown flag --bogus'],
    [() => verifyArgs().filter((a) => a !== '--app-url' && a !== app.url), 'missing --app-url'],
    [() => verifyArgs('--wait-seconds', '30'), '--wait-seconds goes with --test'],
    [() => verifyArgs('--test', '--wait-seconds', 'soon'), '--wait-seconds must be a whole number from 1 to 3600'],
    [() => verifyArgs('--test', '--alert-type', 'email'), '--alert-type must be one of'],
    [
      () => ['azure', 'attach', '--rule', 'vm-cpu-high', '--action-group-id', AG_ID],
      '--rule: "vm-cpu-high" is not a resource id',
    ],
    [
      () => [
        'azure',
        'attach',
        '--rule',
        `${RG_PATH}/rg/providers/Microsoft.Insights/metricAlerts/r`,
        '--action-group-id',
      ],
      '--action-group-id needs a value',
    ],
  ])('%# → usage naming the problem, exit 2', async (argv, problem) => {
    const arm = fakeArm([]);
    const { code, errors } = await cli(arm, ...argv());
    expect(errors).toContain(problem);
    expect(errors).toMatch(/see 'cloudo azure (verify|attach) --help'/);
    expect(code).toBe(2);
    expect(arm.requests).toEqual([]);
  });

  it('names an unknown azure verb and where the verbs are listed', async () => {
    const { code, errors } = await cli(fakeArm([]), 'azure', 'deploy');
    expect(errors).toBe('unknown command "azure deploy"\nsee \'cloudo azure --help\'');
    expect(code).toBe(2);
  });
});
