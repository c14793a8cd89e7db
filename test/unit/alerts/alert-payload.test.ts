// Unit tests for alert webhook ingestion: every shared fixture, hand-built Azure shapes, Alertmanager fan-out.
import { describe, it, expect } from 'vitest';
import { NO_AKS, sampleAlert } from '../../support/fixtures';
import type { AlertContext, ParsedAlert } from '../../../src/domain/alerts/alert';
import { buildAlertEnvironment } from '../../../src/domain/alerts/alert-env';
import { detectPayloadKind, parseAlertPayload } from '../../../src/domain/alerts/alert-payload';
import { alertFixture, alertFixtureNames } from '../../support/alert-fixtures';

const SUB = 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e';
const AZ_ALERT_ID = `/subscriptions/${SUB}/providers/Microsoft.AlertsManagement/alerts/eeeeeeee-4444-5555-6666-ffffffffffff`;
const NO_RESOURCE = { id: null, resourceGroup: null, name: null, subscriptionId: null, type: null };

const fixture = (name: string): unknown => alertFixture<unknown>(name);

function parsed(body: unknown): ParsedAlert[] {
  const result = parseAlertPayload(body);
  if (!result.ok) throw new Error(`expected ok, got ${result.field}: ${result.message}`);
  return [...result.alerts];
}

function only(body: unknown): AlertContext {
  const alerts = parsed(body);
  expect(alerts).toHaveLength(1);
  return alerts[0]!.alert;
}

function failure(body: unknown): { field: string; message: string } {
  const result = parseAlertPayload(body);
  if (result.ok) throw new Error(`expected failure, got ${JSON.stringify(result.alerts)}`);
  return { field: result.field, message: result.message };
}

const azureAlert = (over: Partial<AlertContext>): AlertContext =>
  sampleAlert({ alertId: AZ_ALERT_ID, idempotencyKey: '', ...over });

function amAlert(over: Partial<AlertContext>): AlertContext {
  return { ...azureAlert(over), source: 'alertmanager', signalType: 'Prometheus', ...over };
}

function vm(sub: string, rg: string, name: string, id: string): AlertContext['resource'] {
  return { id, subscriptionId: sub, resourceGroup: rg, name, type: 'microsoft.compute/virtualmachines' };
}

const KSM_LABELS = { cluster: 'aks-prod', job: 'kube-state-metrics', namespace: 'payments' };

const EXPECTED: Record<string, AlertContext[]> = {
  'azmon-metric-fired.json': [
    azureAlert({
      rule: 'test-metricAlertRule',
      ruleName: 'test-metricAlertRule',
      severity: 'Sev4',
      signalType: 'Metric',
      monitoringService: 'Platform',
      firedAt: '2025-04-15T18:17:12.851Z',
      resource: {
        id: `/subscriptions/${SUB}/resourcegroups/test-RG/providers/microsoft.storage/storageaccounts/test-storageAccount`,
        subscriptionId: SUB,
        resourceGroup: 'test-RG',
        name: 'test-storageAccount',
        type: 'microsoft.storage/storageaccounts',
      },
      labels: { ApiName: 'GetBlob' },
      idempotencyKey: `azure|${AZ_ALERT_ID}|Fired|2025-04-15T18:17:12.851Z`,
    }),
  ],
  'azmon-metric-resolved.json': [
    azureAlert({
      alertId:
        '/subscriptions/<subscription ID>/providers/Microsoft.AlertsManagement/alerts/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
      rule: 'WCUS-R2-Gen2',
      ruleName: 'WCUS-R2-Gen2',
      severity: 'Sev3',
      signalType: 'Metric',
      monitoringService: 'Platform',
      monitorCondition: 'Resolved',
      firedAt: '2019-03-22T13:58:24.371Z',
      resolvedAt: '2019-03-22T14:03:16.224Z',
      resource: vm(
        '<subscription ID>',
        'pipelinealertrg',
        'wcus-r2-gen2',
        '/subscriptions/<subscription ID>/resourcegroups/pipelinealertrg/providers/microsoft.compute/virtualmachines/wcus-r2-gen2',
      ),
      labels: { ResourceId: 'b1b1b1b1-cccc-dddd-eeee-f2f2f2f2f2f2' },
      idempotencyKey:
        'azure|/subscriptions/<subscription ID>/providers/Microsoft.AlertsManagement/alerts/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e|Resolved|2019-03-22T14:03:16.224Z',
    }),
  ],
  'azmon-log-v2-fired.json': [
    azureAlert({
      rule: 'test-logAlertRule-v2',
      ruleName: 'test-logAlertRule-v2',
      severity: 'Sev4',
      signalType: 'Log',
      monitoringService: 'Log Alerts V2',
      firedAt: '2025-04-15T18:08:03.626Z',
      resource: {
        id: `/subscriptions/${SUB}/resourcegroups/test-RG/providers/microsoft.operationalinsights/workspaces/test-logAnalyticsWorkspace`,
        subscriptionId: SUB,
        resourceGroup: 'test-RG',
        name: 'test-logAnalyticsWorkspace',
        type: 'microsoft.operationalinsights/workspaces',
      },
      labels: { Computer: 'test-computer' },
      idempotencyKey: `azure|${AZ_ALERT_ID}|Fired|2025-04-15T18:08:03.626Z`,
    }),
  ],
  'azmon-activity-log-fired.json': [
    azureAlert({
      alertId: `/subscriptions/${SUB}/resourceGroups/test-RG/providers/microsoft.insights/activityLogAlerts/Test_Alert`,
      rule: 'test-activityLogAlertRule',
      ruleName: 'test-activityLogAlertRule',
      severity: 'Sev4',
      signalType: 'Activity Log',
      monitoringService: 'Activity Log - Administrative',
      firedAt: '2025-04-15T11:26:21.386Z',
      resource: vm(
        SUB,
        'test-RG',
        'test-VM',
        `/subscriptions/${SUB}/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM`,
      ),
      idempotencyKey: `azure|/subscriptions/${SUB}/resourceGroups/test-RG/providers/microsoft.insights/activityLogAlerts/Test_Alert|Fired|2025-04-15T11:26:21.386Z`,
    }),
  ],
  'alertmanager-webhook-v4-firing.composed.json': [
    amAlert({
      alertId: '3f9c2b1a0d4e5f67',
      rule: 'KubeDeploymentReplicasMismatch',
      ruleName: 'KubeDeploymentReplicasMismatch',
      severity: 'warning',
      firedAt: '2026-11-20T10:00:00.000Z',
      aks: { ...NO_AKS, namespace: 'payments', deployment: 'checkout-api' },
      labels: {
        alertname: 'KubeDeploymentReplicasMismatch',
        ...KSM_LABELS,
        deployment: 'checkout-api',
        severity: 'warning',
      },
      annotations: {
        description:
          'Deployment payments/checkout-api has not matched the expected number of replicas for longer than 15 minutes.',
        runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentreplicasmismatch',
        summary: 'Deployment has not matched the expected number of replicas.',
      },
      idempotencyKey: 'alertmanager|3f9c2b1a0d4e5f67|firing|2026-11-20T10:00:00.000Z',
    }),
    amAlert({
      alertId: '8e7d6c5b4a392817',
      rule: 'KubeDeploymentReplicasMismatch',
      ruleName: 'KubeDeploymentReplicasMismatch',
      severity: 'warning',
      monitorCondition: 'Resolved',
      firedAt: '2026-11-20T09:00:00.000Z',
      resolvedAt: '2026-11-20T09:40:00.000Z',
      aks: { ...NO_AKS, namespace: 'payments', deployment: 'cart-api' },
      labels: {
        alertname: 'KubeDeploymentReplicasMismatch',
        ...KSM_LABELS,
        deployment: 'cart-api',
        severity: 'warning',
      },
      annotations: {
        description:
          'Deployment payments/cart-api has not matched the expected number of replicas for longer than 15 minutes.',
        summary: 'Deployment has not matched the expected number of replicas.',
      },
      idempotencyKey: 'alertmanager|8e7d6c5b4a392817|resolved|2026-11-20T09:00:00.000Z',
    }),
  ],
};

describe('parseAlertPayload over every fixture', () => {
  const files = alertFixtureNames();

  it('has an expectation for every fixture file', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', (file) => {
    const body = fixture(file);
    const alerts = parsed(body);
    expect(alerts.map((a) => a.alert)).toEqual(EXPECTED[file]);
    if (detectPayloadKind(body) === 'azure-monitor') expect(alerts[0]!.payload).toBe(body);
  });
});

function azure(essentials: Record<string, unknown>, alertContext: unknown = {}): Record<string, unknown> {
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: { essentials: { alertId: AZ_ALERT_ID, monitorCondition: 'Fired', ...essentials }, alertContext },
  };
}

const STORAGE = `/subscriptions/${SUB}/resourcegroups/test-RG/providers/Microsoft.Storage/storageAccounts/test-storageAccount`;
const VM = `/subscriptions/${SUB}/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM`;
const AMW = `/subscriptions/${SUB}/resourceGroups/rg-mon/providers/Microsoft.Monitor/accounts/amw-prod`;

describe('parseAlertPayload: Azure Monitor signal types beyond the fixtures', () => {
  it('metric alert with a dynamic threshold', () => {
    const body = azure(
      {
        alertRule: 'test-dynamicMetricAlertRule',
        severity: 'Sev4',
        signalType: 'Metric',
        monitoringService: 'Platform',
        alertTargetIDs: [STORAGE],
        firedDateTime: '2025-04-15T18:15:16.104Z',
      },
      {
        properties: { customKey1: 'value1' },
        conditionType: 'DynamicThresholdCriteria',
        condition: {
          windowSize: 'PT15M',
          allOf: [{ alertSensitivity: 'Low', ignoreDataBefore: null, metricName: 'Transactions', dimensions: [] }],
        },
      },
    );
    expect(only(body)).toEqual(
      azureAlert({
        rule: 'test-dynamicMetricAlertRule',
        ruleName: 'test-dynamicMetricAlertRule',
        severity: 'Sev4',
        signalType: 'Metric',
        monitoringService: 'Platform',
        firedAt: '2025-04-15T18:15:16.104Z',
        resource: {
          id: STORAGE,
          subscriptionId: SUB,
          resourceGroup: 'test-RG',
          name: 'test-storageAccount',
          type: 'microsoft.storage/storageaccounts',
        },
        idempotencyKey: `azure|${AZ_ALERT_ID}|Fired|2025-04-15T18:15:16.104Z`,
      }),
    );
  });

  it('activity log resource health alert', () => {
    const body = azure(
      {
        alertRule: 'test-ResourceHealthAlertRule',
        severity: 'Sev4',
        signalType: 'Activity Log',
        monitoringService: 'Resource Health',
        alertTargetIDs: [VM],
        firedDateTime: '2025-04-15T18:19:45.304Z',
      },
      {
        channels: 'Admin, Operation',
        eventSource: 'ResourceHealth',
        properties: { title: 'Rebooted by user', details: null, currentHealthStatus: 'Unavailable', type: 'Downtime' },
        status: 'Active',
        'Activity Log Event Description': null,
      },
    );
    expect(only(body)).toEqual(
      azureAlert({
        rule: 'test-ResourceHealthAlertRule',
        ruleName: 'test-ResourceHealthAlertRule',
        severity: 'Sev4',
        signalType: 'Activity Log',
        monitoringService: 'Resource Health',
        firedAt: '2025-04-15T18:19:45.304Z',
        resource: vm(SUB, 'test-RG', 'test-VM', VM),
        idempotencyKey: `azure|${AZ_ALERT_ID}|Fired|2025-04-15T18:19:45.304Z`,
      }),
    );
  });

  it('activity log service health alert: a subscription scope, numbers and nulls in the context', () => {
    const body = azure(
      {
        alertRule: 'test-ServiceHealthAlertRule',
        severity: 'Sev4',
        signalType: 'ActivityLog',
        monitoringService: 'ServiceHealth',
        alertTargetIDs: [`/subscriptions/${SUB}`],
        firedDateTime: '2025-04-15T18:20:36.256Z',
      },
      {
        authorization: null,
        channels: 1,
        claims: null,
        eventSource: 2,
        level: 3,
        properties: { impactedServices: [{ ServiceName: 'AzureServiceName' }], stage: 'Resolved' },
        status: 'Resolved',
        ResourceType: null,
      },
    );
    expect(only(body)).toEqual(
      azureAlert({
        rule: 'test-ServiceHealthAlertRule',
        ruleName: 'test-ServiceHealthAlertRule',
        severity: 'Sev4',
        signalType: 'ActivityLog',
        monitoringService: 'ServiceHealth',
        firedAt: '2025-04-15T18:20:36.256Z',
        resource: { ...NO_RESOURCE, id: `/subscriptions/${SUB}`, subscriptionId: SUB },
        idempotencyKey: `azure|${AZ_ALERT_ID}|Fired|2025-04-15T18:20:36.256Z`,
      }),
    );
  });

  it('managed Prometheus alert: rule "<group>/<alert>", labels and annotations in alertContext', () => {
    const labels = {
      alertname: 'KubePodCrashLooping',
      cluster: 'aks-prod',
      namespace: 'shop',
      pod: 'web-7d4b9c8f6d-x2x9q',
    };
    const body = azure(
      {
        alertRule: 'kubernetes-pods/KubePodCrashLooping',
        severity: 'Sev2',
        signalType: 'Metric',
        monitoringService: 'Prometheus',
        alertTargetIDs: [AMW],
        firedDateTime: '2025-05-01T08:00:00Z',
      },
      {
        interval: 'PT1M',
        expression: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
        expressionValue: '1',
        for: 'PT15M',
        labels: { ...labels, container: 'web', job: 'kube-state-metrics' },
        annotations: { summary: 'Pod is crash looping.' },
        ruleGroup: `/subscriptions/${SUB}/resourceGroups/rg-mon/providers/Microsoft.AlertsManagement/prometheusRuleGroups/kubernetes-pods`,
      },
    );
    const alert = only(body);
    expect(alert).toEqual(
      azureAlert({
        rule: 'kubernetes-pods/KubePodCrashLooping',
        ruleName: 'KubePodCrashLooping',
        severity: 'Sev2',
        signalType: 'Metric',
        monitoringService: 'Prometheus',
        firedAt: '2025-05-01T08:00:00.000Z',
        resource: {
          id: AMW,
          subscriptionId: SUB,
          resourceGroup: 'rg-mon',
          name: 'amw-prod',
          type: 'microsoft.monitor/accounts',
        },
        aks: { ...NO_AKS, namespace: 'shop', pod: 'web-7d4b9c8f6d-x2x9q' },
        labels: { ...labels, container: 'web', job: 'kube-state-metrics' },
        annotations: { summary: 'Pod is crash looping.' },
        idempotencyKey: `azure|${AZ_ALERT_ID}|Fired|2025-05-01T08:00:00.000Z`,
      }),
    );
    expect(buildAlertEnvironment(alert)).not.toHaveProperty('AKS_JOB');
    expect(buildAlertEnvironment(alert)).toHaveProperty('ALERT_LABEL_JOB', 'kube-state-metrics');
  });

  it('budget alert: null alertRule, severity, signalType and alertTargetIDs; the budget scope is the resource', () => {
    const body = azure(
      {
        monitoringService: 'CostAlerts',
        firedDateTime: '2025-04-15T17:49:34.022Z',
        alertId: `/subscriptions/${SUB}/providers/Microsoft.CostManagement/alerts/Test_Alert`,
        alertRule: null,
        severity: null,
        signalType: null,
        alertTargetIDs: null,
        originAlertId: null,
      },
      { AlertCategory: 'budgets', AlertData: { Scope: `/subscriptions/${SUB}/`, BudgetName: 'Test_budget' } },
    );
    const alertId = `/subscriptions/${SUB}/providers/Microsoft.CostManagement/alerts/Test_Alert`;
    expect(only(body)).toEqual(
      azureAlert({
        alertId,
        monitoringService: 'CostAlerts',
        firedAt: '2025-04-15T17:49:34.022Z',
        resource: { ...NO_RESOURCE, id: `/subscriptions/${SUB}`, subscriptionId: SUB },
        idempotencyKey: `azure|${alertId}|Fired|2025-04-15T17:49:34.022Z`,
      }),
    );
  });

  it('numbers where strings are expected', () => {
    const body = azure({
      alertId: 12345,
      alertRule: 42,
      severity: 2,
      signalType: 'Metric',
      monitorCondition: 'RESOLVED',
      firedDateTime: 1_700_000_000_000,
      resolvedDateTime: '2023-11-14T23:00:00+01:00',
      alertTargetIDs: [7, VM],
    });
    expect(only(body)).toEqual(
      azureAlert({
        alertId: '12345',
        rule: '42',
        ruleName: '42',
        severity: 'Sev2',
        signalType: 'Metric',
        monitorCondition: 'Resolved',
        firedAt: '2023-11-14T22:13:20.000Z',
        resolvedAt: '2023-11-14T22:00:00.000Z',
        resource: vm(SUB, 'test-RG', 'test-VM', VM),
        idempotencyKey: 'azure|12345|Resolved|2023-11-14T22:00:00.000Z',
      }),
    );
  });

  it('null where objects are expected', () => {
    const body = {
      schemaId: 'azureMonitorCommonAlertSchema',
      data: {
        essentials: { alertId: 'a1', monitorCondition: 'Fired', alertTargetIDs: null },
        alertContext: null,
        customProperties: null,
      },
    };
    expect(only(body)).toEqual(azureAlert({ alertId: 'a1', idempotencyKey: 'azure|a1|Fired|' }));
    const nested = azure(
      { alertTargetIDs: [null, {}] },
      { condition: { allOf: [null, { dimensions: null }] }, authorization: null },
    );
    expect(only(nested).labels).toEqual({});
    expect(only(nested).resource).toEqual(NO_RESOURCE);
  });

  it('JSON-encoded strings: alertContext, properties and Prometheus labels', () => {
    const entity = `/subscriptions/${SUB}/resourceGroups/test-RG/providers/Microsoft.Sql/servers/sql1/databases/db1`;
    const activity = azure({ signalType: 'Activity Log' }, JSON.stringify({ properties: JSON.stringify({ entity }) }));
    expect(only(activity).resource).toEqual({
      id: entity,
      subscriptionId: SUB,
      resourceGroup: 'test-RG',
      name: 'db1',
      type: 'microsoft.sql/servers/databases',
    });
    const prom = azure(
      { monitoringService: 'Prometheus', alertRule: 'g/KubeJobFailed', alertTargetIDs: JSON.stringify([AMW]) },
      { labels: JSON.stringify({ alertname: 'KubeJobFailed', job_name: 'backup-123', namespace: 'ops', n: 3 }) },
    );
    const alert = only(prom);
    expect(alert.labels).toEqual({ alertname: 'KubeJobFailed', job_name: 'backup-123', namespace: 'ops', n: '3' });
    expect(alert.aks).toEqual({ ...NO_AKS, namespace: 'ops', job: 'backup-123' });
    expect(alert.resource.id).toBe(AMW);
    expect(alert.ruleName).toBe('KubeJobFailed');
    expect(only(azure({ alertTargetIDs: VM })).resource).toEqual(vm(SUB, 'test-RG', 'test-VM', VM));
  });

  it('log alert dimensions feed labels and the AKS context, case-insensitively', () => {
    const dims = [
      { name: 'Namespace', value: 'shop' },
      { name: 'PodName', value: 'cart-6f9c7d8b5b-abcde' },
      { name: 'ControllerName', value: 'cart-6f9c7d8b5b' },
      { name: 'Namespace', value: 'ignored-duplicate' },
    ];
    const alert = only(azure({ signalType: 'Log' }, { condition: { allOf: [{ dimensions: dims }] } }));
    expect(alert.labels).toEqual({
      Namespace: 'shop',
      PodName: 'cart-6f9c7d8b5b-abcde',
      ControllerName: 'cart-6f9c7d8b5b',
    });
    expect(alert.aks).toEqual({ ...NO_AKS, namespace: 'shop', pod: 'cart-6f9c7d8b5b-abcde', deployment: 'cart' });
    expect(buildAlertEnvironment(alert)).not.toHaveProperty('ALERT_LABEL_NAMESPACE');
  });

  it('names the field at fault for unusable payloads', () => {
    expect(failure(azure({ alertId: undefined }))).toEqual({
      field: 'data.essentials.alertId',
      message: 'missing or not a string',
    });
    expect(failure(azure({ alertId: { id: 'x' } })).field).toBe('data.essentials.alertId');
    expect(failure(azure({ monitorCondition: 'Active' }))).toEqual({
      field: 'data.essentials.monitorCondition',
      message: 'must be "Fired" or "Resolved"',
    });
    expect(failure({ schemaId: 'azureMonitorCommonAlertSchema', data: null }).field).toBe('data');
    expect(failure({ schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: 3 } }).field).toBe(
      'data.essentials',
    );
    expect(failure({ hello: 'world' }).field).toBe('$');
    expect(failure(null).field).toBe('$');
  });
});

describe('detectPayloadKind', () => {
  it.each([
    [{ schemaId: 'azureMonitorCommonAlertSchema' }, 'azure-monitor'],
    [{ data: { essentials: null } }, 'azure-monitor'],
    [{ version: '4', alerts: [] }, 'alertmanager'],
    [{ version: '4', alerts: {} }, 'unknown'],
    [{ version: '3', alerts: [] }, 'unknown'],
    [[], 'unknown'],
    ['{"schemaId":"azureMonitorCommonAlertSchema"}', 'unknown'],
    [42, 'unknown'],
  ])('%j → %s', (body, kind) => {
    expect(detectPayloadKind(body)).toBe(kind);
  });
});

function webhook(alerts: unknown): Record<string, unknown> {
  return {
    version: '4',
    status: 'firing',
    receiver: 'cloudo',
    groupLabels: {},
    notification_reason: 'new',
    routeLabels: {},
    alerts,
  };
}

function amItem(labels: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'firing',
    labels,
    annotations: {},
    startsAt: '2026-01-01T00:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint: 'fp',
    ...over,
  };
}

describe('parseAlertPayload: Alertmanager', () => {
  it('fans out three alerts into three results with separate keys and one-alert payloads', () => {
    const items = ['a', 'b', 'c'].map((x) => amItem({ alertname: 'Disk', instance: x }, { fingerprint: `fp-${x}` }));
    const body = webhook(items);
    const alerts = parsed(body);
    expect(alerts.map((a) => a.alert.idempotencyKey)).toEqual([
      'alertmanager|fp-a|firing|2026-01-01T00:00:00Z',
      'alertmanager|fp-b|firing|2026-01-01T00:00:00Z',
      'alertmanager|fp-c|firing|2026-01-01T00:00:00Z',
    ]);
    alerts.forEach((a, i) => expect(a.payload).toEqual({ ...body, alerts: [items[i]] }));
  });

  it('a resolved alert takes endsAt as resolvedAt; a firing one treats Go zero time as not ended', () => {
    const resolved = only(
      webhook([amItem({ alertname: 'X' }, { status: 'resolved', endsAt: '2026-01-01T01:00:00Z' })]),
    );
    expect(resolved).toEqual(
      amAlert({
        alertId: 'fp',
        rule: 'X',
        ruleName: 'X',
        monitorCondition: 'Resolved',
        firedAt: '2026-01-01T00:00:00.000Z',
        resolvedAt: '2026-01-01T01:00:00.000Z',
        labels: { alertname: 'X' },
        idempotencyKey: 'alertmanager|fp|resolved|2026-01-01T00:00:00Z',
      }),
    );
    expect(only(webhook([amItem({ alertname: 'X' })])).resolvedAt).toBeNull();
  });

  it('derives a stable fingerprint from the label set when it is missing', () => {
    const a = only(webhook([amItem({ alertname: 'X', b: '2', a: '1' }, { fingerprint: undefined })]));
    const b = only(webhook([amItem({ a: '1', alertname: 'X', b: '2' }, { fingerprint: undefined })]));
    const c = only(webhook([amItem({ alertname: 'Y' }, { fingerprint: undefined })]));
    expect(a.alertId).toMatch(/^derived-[0-9a-f]{16}$/);
    expect(b.alertId).toBe(a.alertId);
    expect(c.alertId).not.toBe(a.alertId);
  });

  it('coerces label values, drops objects, takes the resource from an ARM id label', () => {
    const labels = { alertname: 'X', replicas: 3, ready: false, nested: { a: 1 }, 'microsoft.resourceid': VM };
    const alert = only(webhook([amItem(labels, { annotations: { n: 1, o: [] } })]));
    expect(alert.labels).toEqual({ alertname: 'X', replicas: '3', ready: 'false', 'microsoft.resourceid': VM });
    expect(alert.annotations).toEqual({ n: '1' });
    expect(alert.resource).toEqual(vm(SUB, 'test-RG', 'test-VM', VM));
  });

  it('skips unusable alerts, and fails on a missing alerts array or when no alert is usable', () => {
    expect(parsed(webhook([null, 'x', amItem({ alertname: 'X' })])).map((a) => a.alert.rule)).toEqual(['X']);
    expect(parsed(webhook([{ labels: { alertname: 'Y' } }]))[0]!.alert.monitorCondition).toBe('Fired');
    expect(failure(webhook({ 0: amItem({}) }))).toEqual({ field: 'alerts', message: 'missing or not an array' });
    expect(failure({ version: '4' }).field).toBe('alerts');
    expect(failure(webhook([null, { status: 'pending' }])).field).toBe('alerts');
    expect(parsed(webhook([]))).toEqual([]);
  });
});

describe('parseAlertPayload: Kubernetes-labelled Prometheus alerts', () => {
  const ksm = { job: 'kube-state-metrics', namespace: 'shop', severity: 'warning' };

  it('KubePodCrashLooping: namespace and pod; the scrape job never becomes AKS_JOB', () => {
    const alert = only(
      webhook([amItem({ ...ksm, alertname: 'KubePodCrashLooping', pod: 'web-5d8f7b9c4-abcde', container: 'web' })]),
    );
    expect(alert.aks).toEqual({ ...NO_AKS, namespace: 'shop', pod: 'web-5d8f7b9c4-abcde' });
    expect(buildAlertEnvironment(alert)).not.toHaveProperty('AKS_JOB');
    expect(buildAlertEnvironment(alert)).toHaveProperty('ALERT_LABEL_CONTAINER', 'web');
  });

  it('KubeHpaMaxedOut: the horizontalpodautoscaler label', () => {
    const alert = only(webhook([amItem({ ...ksm, alertname: 'KubeHpaMaxedOut', horizontalpodautoscaler: 'web-hpa' })]));
    expect(alert.aks).toEqual({ ...NO_AKS, namespace: 'shop', hpa: 'web-hpa' });
  });

  it('KubeJobFailed: the job_name label', () => {
    const alert = only(webhook([amItem({ ...ksm, alertname: 'KubeJobFailed', job_name: 'nightly-backup-29000000' })]));
    expect(alert.aks).toEqual({ ...NO_AKS, namespace: 'shop', job: 'nightly-backup-29000000' });
    expect(buildAlertEnvironment(alert)['AKS_JOB']).toBe('nightly-backup-29000000');
  });
});
