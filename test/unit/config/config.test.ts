// Settings: defaults, clear messages for bad values, and the runbook environment allow-list.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, '/app');
    expect(c).toMatchObject({
      port: 7071,
      runbooksDir: path.resolve('/app/runbooks'),
      schemasDir: path.resolve('/app/schemas'),
      storageConnection: undefined,
      storageSetting: 'AzureWebJobsStorage',
      mappingsTable: 'CloudoMappings',
      executionsTable: 'CloudoExecutions',
      queuePrefix: 'cloudo-',
      workerPools: ['Runbook'],
      defaultTimeoutSeconds: 300,
      killGraceSeconds: 10,
      maxOutputBytes: 262144,
      localStorage: 'disk',
    });
  });

  it('prefers CLOUDO_STORAGE_CONNECTION and treats blank settings as unset', () => {
    expect(loadConfig({ AzureWebJobsStorage: 'a', CLOUDO_STORAGE_CONNECTION: 'b' })).toMatchObject({
      storageConnection: 'b',
      storageSetting: 'CLOUDO_STORAGE_CONNECTION',
    });
    expect(loadConfig({ PORT: ' ', CLOUDO_STORAGE_CONNECTION: '' })).toMatchObject({
      port: 7071,
      storageConnection: undefined,
    });
  });

  it('names every bad setting', () => {
    expect(() => loadConfig({ PORT: 'abc', CLOUDO_LOCAL_STORAGE: 'cloud', CLOUDO_WORKER_POOLS: 'a b' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ PORT: 'abc', CLOUDO_LOCAL_STORAGE: 'cloud', CLOUDO_QUEUE_PREFIX: 'UPPER' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT:/);
      expect((err as Error).message).toMatch(/CLOUDO_LOCAL_STORAGE:/);
      expect((err as Error).message).toMatch(/CLOUDO_QUEUE_PREFIX:/);
    }
  });

  it('passes runbooks only allow-listed variables', () => {
    const c = loadConfig({
      PATH: '/bin',
      HOME: '/h',
      TMPDIR: '/t',
      SECRET_TOKEN: 's',
      AzureWebJobsStorage: 'k',
      EXTRA: 'e',
      CLOUDO_RUNBOOK_ENV_ALLOW: 'EXTRA, OTHER',
    });
    // HOME and TMPDIR are the run's private directory, never the host's.
    expect(c.runbookBaseEnv).toEqual({ PATH: '/bin', EXTRA: 'e' });
  });

  it('reads CLOUDO_RUNBOOK_USER as a uid or a user name, blank as unset', () => {
    expect(loadConfig({ CLOUDO_RUNBOOK_USER: 'cloudo-runbook' }).runbookUser).toBe('cloudo-runbook');
    expect(loadConfig({ CLOUDO_RUNBOOK_USER: '10001' }).runbookUser).toBe('10001');
    expect(loadConfig({ CLOUDO_RUNBOOK_USER: ' ' }).runbookUser).toBeUndefined();
    expect(() => loadConfig({ CLOUDO_RUNBOOK_USER: 'a b' })).toThrow(/CLOUDO_RUNBOOK_USER: a uid or a user name/);
  });

  it("never passes ClouDO's own identity to runbooks, nor lets CLOUDO_RUNBOOK_ENV_ALLOW name it", () => {
    const host = {
      AZURE_CLIENT_ID: 'c',
      AZURE_TENANT_ID: 't',
      AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token',
      IDENTITY_ENDPOINT: 'http://169.254.255.2:8081/msi/token',
      IDENTITY_HEADER: 'h',
      MSI_ENDPOINT: 'http://169.254.255.2:8081/msi/token',
      MSI_SECRET: 's',
    };
    expect(loadConfig(host).runbookBaseEnv).toEqual({ AZURE_TENANT_ID: 't' });
    for (const name of [
      ...Object.keys(host).filter((n) => n !== 'AZURE_TENANT_ID'),
      'AZURE_CLIENT_SECRET',
      'msi_secret',
    ])
      expect(() => loadConfig({ CLOUDO_RUNBOOK_ENV_ALLOW: `PATH,${name}` }), name).toThrow(
        /CLOUDO_RUNBOOK_ENV_ALLOW.*may not pass ClouDO's own identity/,
      );
  });

  it('reads CLOUDO_RUNBOOK_CLIENT_ID, and how ClouDO gets the runbook identity’s tokens', () => {
    const id = '22222222-bbbb-4bbb-8bbb-222222222222';
    expect(loadConfig({}).runbookIdentity).toEqual({
      clientId: undefined,
      source: 'managed',
      hostHasIdentity: false,
      hostSecrets: [],
    });
    expect(
      loadConfig({ CLOUDO_RUNBOOK_CLIENT_ID: ` ${id} `, IDENTITY_ENDPOINT: 'http://e', IDENTITY_HEADER: 'h' })
        .runbookIdentity,
    ).toEqual({ clientId: id, source: 'managed', hostHasIdentity: true, hostSecrets: ['h'] });
    expect(loadConfig({ AZURE_FEDERATED_TOKEN_FILE: '/f' }).runbookIdentity).toMatchObject({
      source: 'workload',
      hostHasIdentity: true,
    });
    expect(() => loadConfig({ CLOUDO_RUNBOOK_CLIENT_ID: 'runbooks' })).toThrow(
      /CLOUDO_RUNBOOK_CLIENT_ID: a client id \(a GUID\)/,
    );
  });
});
