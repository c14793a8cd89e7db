// On-call settings: Opsgenie URL and keys per partition, approval secret rules, public URL, and runbook isolation.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { toPartitionKeySuffix } from '../../../src/domain/oncall/paging';
import { listConfiguredSecrets } from '../../../src/config/oncall-settings';

describe('on-call settings', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}).oncall).toEqual({
      opsgenieUrl: 'https://api.opsgenie.com',
      opsgenieKey: undefined,
      opsgenieKeys: {},
      approvalSecret: undefined,
      approvalTtlMinutes: 60,
      publicUrl: undefined,
      chatWebhookUrl: undefined,
      chatFormat: 'slack',
      notifyTimeoutMs: 4000,
    });
  });

  it('reads the ClouDO names: default key, per-partition keys, EU and JSM URLs', () => {
    const c = loadConfig({
      OPSGENIE_API_KEY: 'default-key-1',
      OPSGENIE_API_KEY_TEAM_A: 'team-a-key-1',
      OPSGENIE_API_URL: 'https://api.atlassian.com/jsm/ops/integration/',
      APPROVAL_TTL_MIN: '15',
    }).oncall;
    expect(c.opsgenieKeys).toEqual({ TEAM_A: 'team-a-key-1' });
    expect(c.opsgenieUrl).toBe('https://api.atlassian.com/jsm/ops/integration');
    expect(c.approvalTtlMinutes).toBe(15);
    expect(c.opsgenieKeys[toPartitionKeySuffix('team-a')]).toBe('team-a-key-1');
    expect(toPartitionKeySuffix('Team.A')).toBe('TEAM_A');
  });

  it('builds links on CLOUDO_PUBLIC_URL, else on the App Service host name', () => {
    expect(loadConfig({ WEBSITE_HOSTNAME: 'cloudo.azurewebsites.net' }).oncall.publicUrl).toBe(
      'https://cloudo.azurewebsites.net',
    );
    expect(
      loadConfig({ WEBSITE_HOSTNAME: 'x.azurewebsites.net', CLOUDO_PUBLIC_URL: 'https://ops.example.com/' }).oncall
        .publicUrl,
    ).toBe('https://ops.example.com');
  });

  it('refuses weak approval secrets and bad URLs, naming the setting', () => {
    const bad = () => loadConfig({ APPROVAL_SECRET: 'short', OPSGENIE_API_URL: 'ftp://x', APPROVAL_TTL_MIN: '0' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/APPROVAL_SECRET: at least 32 characters/);
    expect(bad).toThrow(/OPSGENIE_API_URL/);
    expect(bad).toThrow(/APPROVAL_TTL_MIN/);
  });

  it('refuses a team key too short to be one', () => {
    expect(() => loadConfig({ OPSGENIE_API_KEY_TEAM_A: 'abc' })).toThrow(
      /OPSGENIE_API_KEY_TEAM_A: an Opsgenie API key/,
    );
  });

  it('never hands credentials to runbooks', () => {
    for (const name of ['OPSGENIE_API_KEY', 'OPSGENIE_API_KEY_TEAM_A', 'APPROVAL_SECRET', 'CLOUDO_CHAT_WEBHOOK_URL'])
      expect(() => loadConfig({ CLOUDO_RUNBOOK_ENV_ALLOW: name })).toThrow(/may not pass/);
  });

  it('lists every configured credential for redaction, the storage account key included', () => {
    const c = loadConfig({
      OPSGENIE_API_KEY: 'default-key-1',
      OPSGENIE_API_KEY_B: 'team-b-key-1',
      APPROVAL_SECRET: 'x'.repeat(32),
      CLOUDO_CHAT_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/abc',
    });
    const secrets = listConfiguredSecrets(
      c.oncall,
      'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0a2V5;',
    );
    expect(secrets.map((s) => s.value).sort()).toEqual(
      [
        'default-key-1',
        'team-b-key-1',
        'x'.repeat(32),
        'https://hooks.slack.com/services/T/B/abc',
        'c2VjcmV0a2V5',
      ].sort(),
    );
  });
});
