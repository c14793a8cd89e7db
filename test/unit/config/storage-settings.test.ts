// Storage settings: connection strings, identity-based connections as the Functions host reads them, and errors.
import { describe, expect, it } from 'vitest';
import { openStorageClients } from '../../../src/adapters/shared/storage-clients';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { isKnownSetting } from '../../../src/config/known-settings';
import { resolveStorage } from '../../../src/config/storage-settings';

const names = { mappingsTable: 'CloudoMappings', executionsTable: 'CloudoExecutions' };

describe('storage settings', () => {
  it('uses a connection string when there is one, whatever else is set', () => {
    const c = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', AzureWebJobsStorage__accountName: 'x' });
    expect(c.storage).toEqual({ kind: 'connection-string', connectionString: 'UseDevelopmentStorage=true' });
    expect(c.storageConnection).toBe('UseDevelopmentStorage=true');
  });

  it('builds the service URIs from __accountName, with the user-assigned identity', () => {
    const c = loadConfig({
      AzureWebJobsStorage__accountName: 'cloudoprod',
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: '00000000-0000-0000-0000-000000000001',
    });
    expect(c.storageSetting).toBe('AzureWebJobsStorage');
    expect(c.storageConnection).toBeUndefined();
    expect(c.storage).toEqual({
      kind: 'identity',
      tableServiceUri: 'https://cloudoprod.table.core.windows.net',
      queueServiceUri: 'https://cloudoprod.queue.core.windows.net',
      clientId: '00000000-0000-0000-0000-000000000001',
      credential: 'managedidentity',
    });
  });

  it('takes explicit service URIs (sovereign clouds, private endpoints)', () => {
    const r = resolveStorage('AzureWebJobsStorage', {
      AzureWebJobsStorage__tableServiceUri: 'https://acct.table.core.chinacloudapi.cn/',
      AzureWebJobsStorage__queueServiceUri: 'https://acct.queue.core.chinacloudapi.cn',
      AzureWebJobsStorage__blobServiceUri: 'https://acct.blob.core.chinacloudapi.cn',
    });
    expect(r).toEqual({
      ok: true,
      target: {
        kind: 'identity',
        tableServiceUri: 'https://acct.table.core.chinacloudapi.cn',
        queueServiceUri: 'https://acct.queue.core.chinacloudapi.cn',
      },
    });
  });

  it('prefers CLOUDO_STORAGE_CONNECTION and its identity settings, and names its setting for queue triggers', () => {
    const c = loadConfig({
      CLOUDO_STORAGE_CONNECTION__accountName: 'runs',
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    });
    expect(c.storageSetting).toBe('CLOUDO_STORAGE_CONNECTION');
    expect(c.storage).toMatchObject({ kind: 'identity', queueServiceUri: 'https://runs.queue.core.windows.net' });
  });

  it('explains a half-configured identity connection', () => {
    const only = () => loadConfig({ AzureWebJobsStorage__tableServiceUri: 'https://a.table.core.windows.net' });
    expect(only).toThrow(ConfigError);
    expect(only).toThrow(/AzureWebJobsStorage__queueServiceUri: needed with __tableServiceUri/);
    expect(() =>
      loadConfig({ AzureWebJobsStorage__accountName: 'a', AzureWebJobsStorage__credential: 'clientsecret' }),
    ).toThrow(/AzureWebJobsStorage__credential: only "managedidentity"/);
    expect(() =>
      loadConfig({
        AzureWebJobsStorage__tableServiceUri: 'http://a.table.core.windows.net',
        AzureWebJobsStorage__queueServiceUri: 'https://a.queue.core.windows.net',
      }),
    ).toThrow(/__tableServiceUri: an https URL/);
  });

  it('refuses stray identity settings instead of leaving storage unset', () => {
    expect(() => loadConfig({ AzureWebJobsStorage__clientId: 'x' })).toThrow(
      /AzureWebJobsStorage__accountName: needed/,
    );
    expect(() =>
      loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', CLOUDO_STORAGE_CONNECTION__clientId: 'x' }),
    ).toThrow(/CLOUDO_STORAGE_CONNECTION__accountName: needed/);
    expect(() => loadConfig({ AzureWebJobsStorage__accountName: 'Not_An-Account' })).toThrow(
      /AzureWebJobsStorage__accountName: a storage account name/,
    );
  });

  it('asks for the blob URI the Functions host needs when AzureWebJobsStorage is given by service URIs', () => {
    const uris = {
      AzureWebJobsStorage__tableServiceUri: 'https://a.table.core.windows.net',
      AzureWebJobsStorage__queueServiceUri: 'https://a.queue.core.windows.net',
    };
    expect(() => loadConfig(uris)).toThrow(/AzureWebJobsStorage__blobServiceUri: needed by the Functions host/);
    // ClouDO's own connection serves only ClouDO, which needs no blobs.
    expect(
      loadConfig({
        CLOUDO_STORAGE_CONNECTION__tableServiceUri: uris.AzureWebJobsStorage__tableServiceUri,
        CLOUDO_STORAGE_CONNECTION__queueServiceUri: uris.AzureWebJobsStorage__queueServiceUri,
      }).storage,
    ).toMatchObject({ kind: 'identity' });
  });

  it('leaves storage unset when nothing is configured (the local runtime embeds Azurite)', () => {
    expect(loadConfig({}).storage).toBeUndefined();
  });

  it('builds identity clients on the service URIs without a key', () => {
    const clients = openStorageClients(
      {
        kind: 'identity',
        tableServiceUri: 'https://acct.table.core.windows.net',
        queueServiceUri: 'https://acct.queue.core.windows.net',
      },
      names,
    );
    expect(clients.mappings.url).toBe('https://acct.table.core.windows.net');
    expect(clients.mappings.tableName).toBe('CloudoMappings');
    expect(clients.queues.url).toBe('https://acct.queue.core.windows.net');
  });

  it('knows its own settings, for checking what a deployment sets', () => {
    for (const name of [
      'CLOUDO_WORKER_POOLS',
      'OPSGENIE_API_KEY',
      'OPSGENIE_API_KEY_TEAM_A',
      'AzureWebJobsStorage__clientId',
    ])
      expect(isKnownSetting(name)).toBe(true);
    for (const name of ['CLOUDO_WORKERS', 'AzureWebJobsStorage__password', 'OPSGENIE_KEY'])
      expect(isKnownSetting(name)).toBe(false);
  });
});
