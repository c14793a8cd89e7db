// Tests for the Azure wiring rules: resource ids, webhook URLs that reach the Trigger, appending action groups.
import { describe, expect, it } from 'vitest';
import {
  classifyAlertRule,
  appendAction,
  formatDisplayUrl,
  isActionGroup,
  parseResourceId,
  pointsAtTrigger,
  toTriggerUrl,
  checkWebhooks,
} from '../../../src/adapters/azure/azure-wiring';

const SUB = '/subscriptions/5f1c9a3e-8d2b-4c7a-9e61-2b0d7c4a1e93';
const AG = `${SUB}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/ag-cloudo`;

describe('parseResourceId', () => {
  it('reads subscription, group, type and name', () => {
    expect(parseResourceId(`${SUB}/resourceGroups/rg-app/providers/Microsoft.Insights/metricAlerts/cpu high/`)).toEqual(
      {
        id: `${SUB}/resourceGroups/rg-app/providers/Microsoft.Insights/metricAlerts/cpu high`,
        subscriptionId: '5f1c9a3e-8d2b-4c7a-9e61-2b0d7c4a1e93',
        resourceGroup: 'rg-app',
        type: 'Microsoft.Insights/metricAlerts',
        name: 'cpu high',
      },
    );
  });

  it.each([
    'vm-cpu-high',
    `${SUB}/resourceGroups/rg-app`,
    `${SUB}/resourceGroups/rg-app/providers/Microsoft.Insights/metricAlerts`,
    `${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/app/functions/Trigger`,
  ])('refuses %s', (id) => {
    expect(parseResourceId(id)).toBeUndefined();
  });

  it('tells rule kinds and action groups apart whatever the case', () => {
    const kind = (type: string) => classifyAlertRule(parseResourceId(`${SUB}/resourcegroups/rg/providers/${type}/x`)!);
    expect(kind('microsoft.insights/METRICALERTS')).toBe('metric-alert');
    expect(kind('Microsoft.Insights/scheduledQueryRules')).toBe('log-search-alert');
    expect(kind('Microsoft.Insights/activityLogAlerts')).toBe('activity-log-alert');
    expect(kind('Microsoft.AlertsManagement/prometheusRuleGroups')).toBeUndefined();
    expect(isActionGroup(parseResourceId(AG)!)).toBe(true);
  });
});

describe('appendAction', () => {
  const other = { actionGroupId: `${SUB}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/mail` };

  it('appends after the existing actions, which stay as they were', () => {
    const kept = { ...other, webhookProperties: { team: 'sre' } };
    expect(appendAction([kept], AG)).toEqual({ changed: true, actions: [kept, { actionGroupId: AG }] });
  });

  it('does not add an action group twice, comparing ids as ARM does', () => {
    expect(appendAction([other, { actionGroupId: `${AG.toUpperCase()}/` }], AG)).toEqual({ changed: false });
  });
});

describe('webhook URLs', () => {
  const trigger = toTriggerUrl('https://cloudo.azurewebsites.net/')!;

  it('builds the Trigger URL from the app URL, dropping query and trailing slashes', () => {
    expect(trigger.toString()).toBe('https://cloudo.azurewebsites.net/api/Trigger');
    expect(toTriggerUrl('https://proxy.example.com/cloudo//?x=1')!.toString()).toBe(
      'https://proxy.example.com/cloudo/api/Trigger',
    );
    expect(toTriggerUrl('cloudo.azurewebsites.net')).toBeUndefined();
    expect(toTriggerUrl('ftp://cloudo.azurewebsites.net')).toBeUndefined();
    // The key goes with every call: plain http only to this machine.
    expect(toTriggerUrl('http://cloudo.azurewebsites.net')).toBeUndefined();
    expect(toTriggerUrl('http://127.0.0.1:7071')!.toString()).toBe('http://127.0.0.1:7071/api/Trigger');
  });

  it.each([
    ['https://cloudo.azurewebsites.net/api/Trigger?code=k', true],
    ['https://CLOUDO.azurewebsites.net/api/trigger/?code=k', true],
    ['https://cloudo.azurewebsites.net/api/Trigger/prod?code=k', true],
    ['https://cloudo.azurewebsites.net/api/Trigger/prod/extra', false],
    ['https://cloudo.azurewebsites.net/api/Triggers', false],
    ['https://cloudo.azurewebsites.net:8443/api/Trigger', false],
    ['http://cloudo.azurewebsites.net/api/Trigger', false],
    ['https://other.azurewebsites.net/api/Trigger', false],
    ['not a url', false],
  ])('%s points at the Trigger: %s', (uri, expected) => {
    expect(pointsAtTrigger(uri, trigger)).toBe(expected);
  });

  it('never shows the function key', () => {
    expect(formatDisplayUrl('https://cloudo.azurewebsites.net/api/Trigger?code=s3cret&x=1')).toBe(
      'https://cloudo.azurewebsites.net/api/Trigger?code=…',
    );
  });

  it('fails a webhook that would run one mapping by hand or only preview', () => {
    const checks = checkWebhooks(
      [{ name: 'hook', serviceUri: `${trigger.toString()}?code=k&id=restart`, useCommonAlertSchema: true }],
      trigger,
    );
    expect(checks.filter((c) => !c.ok).map((c) => c.text)).toEqual([
      'webhook "hook" has ?id=: the Trigger would not match the alert to mappings',
    ]);
  });
});
