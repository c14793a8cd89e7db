// matchAlert: the seed id rule, every match condition, and run_on, with the reasons a dry run shows.
import { describe, expect, it } from 'vitest';
import type { AlertContext } from '../../../src/domain/alerts/alert';
import { matchAlert } from '../../../src/domain/alerts/alert-match';
import { toMapping, type Mapping } from '../../../src/domain/mappings/mapping';
import { mappingEntitySchema } from '../../../src/domain/mappings/mapping-schema';

const mapping = (extra: Record<string, unknown> = {}): Mapping =>
  toMapping('ops', mappingEntitySchema.parse({ id: 'HighCPU', name: 'n', runbook: 'r.sh', ...extra }));

const alert = (extra: Partial<AlertContext> = {}): AlertContext => ({
  source: 'azure-monitor',
  alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/1',
  rule: 'HighCPU',
  ruleName: 'HighCPU',
  severity: 'Sev2',
  signalType: 'Metric',
  monitoringService: 'Platform',
  monitorCondition: 'Fired',
  firedAt: '2024-01-01T00:00:00.000Z',
  resolvedAt: null,
  resource: {
    id: '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm1',
    resourceGroup: 'rg-prod',
    name: 'vm1',
    subscriptionId: '11111111-2222-3333-4444-555555555555',
    type: 'microsoft.compute/virtualmachines',
  },
  aks: { namespace: null, pod: null, deployment: null, job: null, hpa: null },
  labels: {},
  annotations: {},
  idempotencyKey: 'k',
  ...extra,
});

const prometheus = alert({
  source: 'alertmanager',
  rule: 'kube-alerts/KubePodCrashLooping',
  ruleName: 'KubePodCrashLooping',
  severity: 'critical',
  signalType: 'Prometheus',
  labels: { namespace: 'payments', pod: 'api-1', team: 'ops' },
  annotations: { summary: 'Pod is crash looping' },
});

describe('matchAlert without a match block (seed behaviour)', () => {
  it('claims the alert whose rule name equals the id', () => {
    expect(matchAlert(mapping(), alert())).toEqual({
      claimed: true,
      run: true,
      reasons: ['id "HighCPU" equals the alert rule name'],
    });
  });

  it('compares exactly: case matters, and other rules are not claimed', () => {
    expect(matchAlert(mapping(), alert({ ruleName: 'highcpu' }))).toMatchObject({ claimed: false, run: false });
    const other = matchAlert(mapping(), alert({ ruleName: 'Other' }));
    expect(other.reasons).toEqual(['id "HighCPU" does not equal the alert rule name "Other"']);
    expect(matchAlert(mapping(), alert({ rule: null, ruleName: null })).reasons[0]).toContain('no rule name');
  });

  it('uses the alert name after the "/" of a Prometheus rule', () => {
    expect(matchAlert(mapping({ id: 'KubePodCrashLooping' }), prometheus).claimed).toBe(true);
    expect(matchAlert(mapping({ id: 'kube-alerts' }), prometheus).claimed).toBe(false);
  });
});

describe('matchAlert with a match block', () => {
  it.each([
    [{ alert_rule: 'highcpu' }, alert(), true],
    [{ alert_rule: ['Other', 'KubePodCrashLooping'] }, prometheus, true],
    [{ alert_rule: 'kube-alerts/kubepodcrashlooping' }, prometheus, true],
    [{ alert_rule: 'Other' }, alert(), false],
    [{ alert_rule_pattern: '^kube-alerts/' }, prometheus, true],
    [{ alert_rule_pattern: '^Kube.*Looping$' }, prometheus, true],
    [{ alert_rule_pattern: '^Disk' }, alert(), false],
    [{ severity: ['sev0', 'SEV2'] }, alert(), true],
    [{ severity: 'Sev0' }, alert(), false],
    [{ severity: 'Critical' }, prometheus, true],
    [{ severity: 'Sev1' }, alert({ severity: null }), false],
    [{ signal_type: 'metric' }, alert(), true],
    [{ signal_type: ['Log', 'Activity Log'] }, alert(), false],
    [{ signal_type: 'prometheus' }, prometheus, true],
    [{ monitor_condition: 'fired' }, alert(), true],
    [{ monitor_condition: ['Resolved'] }, alert(), false],
    [{ resource_group: 'RG-PROD' }, alert(), true],
    [{ resource_group: ['rg-dev'] }, alert(), false],
    [{ resource_type: 'Microsoft.Compute/virtualMachines' }, alert(), true],
    [{ resource_type: 'Microsoft.Storage/storageAccounts' }, alert(), false],
    [{ subscription: '11111111-2222-3333-4444-555555555555' }, alert(), true],
    [{ subscription: '99999999-2222-3333-4444-555555555555' }, alert(), false],
    [{ labels: ['namespace=payments', 'team!=dev'] }, prometheus, true],
    [{ labels: ['namespace=~pay'] }, prometheus, false],
    [{ labels: ['owner!="ops"'] }, prometheus, true],
    [{ annotations: ['summary=~".*crash.*"'] }, prometheus, true],
    [{ annotations: ['runbook_url=~".+"'] }, prometheus, false],
  ])('%j claims: %#', (match, a, claimed) => {
    const verdict = matchAlert(mapping({ match }), a);
    expect(verdict.claimed).toBe(claimed);
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]).toMatch(claimed ? /: yes$/ : /: no( \(.*\))?$/);
  });

  it('needs every condition, ignores the id, and gives one reason per condition', () => {
    const match = { severity: ['Sev0', 'Sev1'], resource_group: 'rg-prod', labels: ['team=ops'] };
    const verdict = matchAlert(mapping({ id: 'unrelated', match }), alert());
    expect(verdict).toEqual({
      claimed: false,
      run: false,
      reasons: [
        'severity Sev2 is one of [Sev0, Sev1]: no',
        'resource_group rg-prod is one of [rg-prod]: yes',
        'labels [team=ops]: no (team=ops fails: team is missing)',
      ],
    });
    expect(
      matchAlert(
        mapping({ id: 'unrelated', match: { ...match, severity: 'Sev2' } }),
        alert({ labels: { team: 'ops' } }),
      ).claimed,
    ).toBe(true);
  });

  it('shows the rule as sent and its name in reasons', () => {
    const [reason] = matchAlert(mapping({ match: { alert_rule: 'Other' } }), prometheus).reasons;
    expect(reason).toBe('alert_rule "KubePodCrashLooping" / "kube-alerts/KubePodCrashLooping" is one of [Other]: no');
    const [failing] = matchAlert(mapping({ match: { labels: ['team=dev'] } }), prometheus).reasons;
    expect(failing).toBe('labels [team=dev]: no (team=dev fails: team is "ops")');
  });

  it('evaluates disabled mappings normally', () => {
    expect(matchAlert(mapping({ enabled: false }), alert())).toMatchObject({ claimed: true, run: true });
  });
});

describe('run_on', () => {
  const resolved = alert({ monitorCondition: 'Resolved', resolvedAt: '2024-01-01T00:05:00.000Z' });

  it.each([
    ['fired', 'Fired', true],
    ['fired', 'Resolved', false],
    ['resolved', 'Fired', false],
    ['resolved', 'Resolved', true],
    ['both', 'Fired', true],
    ['both', 'Resolved', true],
  ] as const)('run_on %s runs %s alerts: %s', (runOn, condition, run) => {
    const verdict = matchAlert(mapping({ run_on: runOn }), alert({ monitorCondition: condition }));
    expect(verdict).toMatchObject({ claimed: true, run });
    if (!run) expect(verdict.reasons).toContain(`run_on "${runOn}" does not run ${condition} alerts (skipped)`);
    else expect(verdict.reasons).toHaveLength(1);
  });

  it('defaults to fired, so a resolution is claimed but skipped', () => {
    expect(matchAlert(mapping(), resolved)).toEqual({
      claimed: true,
      run: false,
      reasons: ['id "HighCPU" equals the alert rule name', 'run_on "fired" does not run Resolved alerts (skipped)'],
    });
  });

  it('adds no run_on reason to an alert that is not claimed', () => {
    expect(matchAlert(mapping({ id: 'x' }), resolved).reasons).toHaveLength(1);
  });
});
