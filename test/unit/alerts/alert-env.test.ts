// Unit tests for the runbook environment built from an alert, and the AKS context shared with the parsers.
import { describe, it, expect } from 'vitest';
import { NO_AKS, sampleAlert } from '../../support/fixtures';
import type { AlertContext } from '../../../src/domain/alerts/alert';
import { readAksContext, buildAlertEnvironment, sanitizeLabelName } from '../../../src/domain/alerts/alert-env';

const VM = '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1';

const alert = (over: Partial<AlertContext>): AlertContext => sampleAlert(over);

describe('alertEnvironment', () => {
  it('an Azure metric alert: resource and alert variables, no label variables for dimensions', () => {
    const env = buildAlertEnvironment(
      alert({
        alertId: '/subscriptions/s1/providers/Microsoft.AlertsManagement/alerts/a1',
        rule: 'cpu-high',
        ruleName: 'cpu-high',
        severity: 'Sev3',
        signalType: 'Metric',
        monitoringService: 'Platform',
        monitorCondition: 'Resolved',
        firedAt: '2025-01-01T00:00:00.000Z',
        resolvedAt: '2025-01-01T00:05:00.000Z',
        resource: {
          id: VM,
          subscriptionId: 's1',
          resourceGroup: 'rg1',
          name: 'vm1',
          type: 'microsoft.compute/virtualmachines',
        },
        labels: { ResourceId: 'guid' },
      }),
    );
    expect(env).toEqual({
      RESOURCE_ID: VM,
      RESOURCE_RG: 'rg1',
      RESOURCE_NAME: 'vm1',
      RESOURCE_SUBSCRIPTION_ID: 's1',
      RESOURCE_TYPE: 'microsoft.compute/virtualmachines',
      MONITOR_CONDITION: 'Resolved',
      SEVERITY: 'Sev3',
      ALERT_RULE: 'cpu-high',
      ALERT_ID: '/subscriptions/s1/providers/Microsoft.AlertsManagement/alerts/a1',
      SIGNAL_TYPE: 'Metric',
      FIRED_AT: '2025-01-01T00:00:00.000Z',
      RESOLVED_AT: '2025-01-01T00:05:00.000Z',
    });
  });

  it('an Alertmanager alert: AKS variables and one ALERT_LABEL_ per label; the scrape job is only a label', () => {
    const labels = { alertname: 'KubePodCrashLooping', job: 'kube-state-metrics', namespace: 'shop', pod: 'web-1' };
    const env = buildAlertEnvironment(
      alert({
        source: 'alertmanager',
        alertId: 'fp1',
        rule: 'KubePodCrashLooping',
        ruleName: 'KubePodCrashLooping',
        signalType: 'Prometheus',
        firedAt: '2026-01-01T00:00:00.000Z',
        aks: readAksContext(labels),
        labels,
      }),
    );
    expect(env).toEqual({
      AKS_NAMESPACE: 'shop',
      AKS_POD: 'web-1',
      MONITOR_CONDITION: 'Fired',
      ALERT_RULE: 'KubePodCrashLooping',
      ALERT_ID: 'fp1',
      SIGNAL_TYPE: 'Prometheus',
      FIRED_AT: '2026-01-01T00:00:00.000Z',
      ALERT_LABEL_ALERTNAME: 'KubePodCrashLooping',
      ALERT_LABEL_JOB: 'kube-state-metrics',
      ALERT_LABEL_NAMESPACE: 'shop',
      ALERT_LABEL_POD: 'web-1',
    });
  });

  it('a managed Prometheus alert (monitoringService "Prometheus") gets label variables too; full rule in ALERT_RULE', () => {
    const env = buildAlertEnvironment(
      alert({
        rule: 'grp/KubeHpaMaxedOut',
        ruleName: 'KubeHpaMaxedOut',
        monitoringService: 'Prometheus',
        aks: { ...NO_AKS, hpa: 'web', job: 'backup-1', deployment: 'web' },
        labels: { horizontalpodautoscaler: 'web' },
      }),
    );
    expect(env).toEqual({
      AKS_DEPLOYMENT: 'web',
      AKS_JOB: 'backup-1',
      AKS_HPA: 'web',
      MONITOR_CONDITION: 'Fired',
      ALERT_RULE: 'grp/KubeHpaMaxedOut',
      ALERT_ID: 'id-1',
      ALERT_LABEL_HORIZONTALPODAUTOSCALER: 'web',
    });
  });

  it('sanitizes label names, skips empty ones, keeps the first of colliding names in sorted order', () => {
    const labels = {
      'app.kubernetes.io/name': 'web',
      'app-kubernetes-io-name': 'collides',
      '--': 'no name left',
      'weird__ name!!': 'x',
      'émoji🙂': 'y',
      empty: '',
    };
    const env = buildAlertEnvironment(alert({ source: 'alertmanager', labels }));
    expect(env).toEqual({
      MONITOR_CONDITION: 'Fired',
      ALERT_ID: 'id-1',
      ALERT_LABEL_APP_KUBERNETES_IO_NAME: 'collides',
      ALERT_LABEL_WEIRD_NAME: 'x',
      ALERT_LABEL_MOJI: 'y',
    });
    expect(sanitizeLabelName('app.kubernetes.io/name')).toBe('APP_KUBERNETES_IO_NAME');
    expect(sanitizeLabelName('__a__b__')).toBe('A_B');
    expect(sanitizeLabelName('/')).toBe('');
  });

  it('strips NUL, caps values at 4096 characters, omits values that end up empty', () => {
    const env = buildAlertEnvironment(
      alert({
        source: 'alertmanager',
        alertId: 'fp\0x',
        rule: '\0',
        severity: 'a'.repeat(5000),
        labels: { long: 'b'.repeat(10_000), nul: 'x\0y', only_nul: '\0\0' },
      }),
    );
    expect(env).toEqual({
      MONITOR_CONDITION: 'Fired',
      ALERT_ID: 'fpx',
      SEVERITY: 'a'.repeat(4096),
      ALERT_LABEL_LONG: 'b'.repeat(4096),
      ALERT_LABEL_NUL: 'xy',
    });
  });

  it('caps label variables at 64 and label names at 128 characters', () => {
    const labels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`l${String(i).padStart(3, '0')}`, 'v']));
    const env = buildAlertEnvironment(alert({ source: 'alertmanager', labels: { ...labels, ['n'.repeat(500)]: 'v' } }));
    const names = Object.keys(env).filter((k) => k.startsWith('ALERT_LABEL_'));
    expect(names).toHaveLength(64);
    expect(names[0]).toBe('ALERT_LABEL_L000');
    const long = buildAlertEnvironment(alert({ source: 'alertmanager', labels: { ['n'.repeat(500)]: 'v' } }));
    expect(long[`ALERT_LABEL_${'N'.repeat(128)}`]).toBe('v');
  });
});

describe('aksContextFrom', () => {
  it.each([
    [{ namespace: 'a', kubernetes_namespace: 'b' }, { namespace: 'a' }],
    [
      { exported_namespace: 'x', exported_pod: 'p' },
      { namespace: 'x', pod: 'p' },
    ],
    [
      { kubernetes_namespace: 'n', kubernetes_pod_name: 'p', kubernetes_job_name: 'j' },
      { namespace: 'n', pod: 'p', job: 'j' },
    ],
    [{ job: 'kube-state-metrics' }, {}],
    [{ hpa: 'h' }, { hpa: 'h' }],
    [{ replicaset: 'web-5d8f7b9c4' }, { deployment: 'web' }],
    [{ replicaset: 'standalone-rs' }, {}],
    [{ owner_kind: 'ReplicaSet', owner_name: 'api-7c9d6b5f48' }, { deployment: 'api' }],
    [{ owner_kind: 'Deployment', owner_name: 'api' }, { deployment: 'api' }],
    [{ owner_kind: 'DaemonSet', owner_name: 'ama-logs-x7zqk' }, {}],
    [{ ControllerKind: 'ReplicaSet', ControllerName: 'cart-6f9c7d8b5b' }, { deployment: 'cart' }],
    [{ ControllerName: 'ama-logs' }, {}],
    [
      { Namespace: 'n', PodName: 'p' },
      { namespace: 'n', pod: 'p' },
    ],
    [{ deployment: 'd', replicaset: 'other-5d8f7b9c4' }, { deployment: 'd' }],
  ])('%j', (labels, expected) => {
    expect(readAksContext(labels)).toEqual({ ...NO_AKS, ...expected });
  });

  it('prefers labels over annotations, and reads annotations when labels say nothing', () => {
    expect(readAksContext({ namespace: 'l' }, { namespace: 'a', pod: 'p' })).toEqual({
      ...NO_AKS,
      namespace: 'l',
      pod: 'p',
    });
  });
});

describe('AKS_JOB from owners', () => {
  it('takes a Job named as the pod owner or controller, never the scrape job', () => {
    expect(readAksContext({ job: 'kube-state-metrics', owner_kind: 'Job', owner_name: 'backup-1' }).job).toBe(
      'backup-1',
    );
    expect(readAksContext({ ControllerKind: 'Job', ControllerName: 'nightly-2' }).job).toBe('nightly-2');
    expect(
      readAksContext({ job: 'kube-state-metrics', owner_kind: 'ReplicaSet', owner_name: 'web-7d9f8b6c5d' }).job,
    ).toBeNull();
  });
});
