// Local storage: the configured account, or an embedded Azurite started for this run.
import path from 'node:path';
import type { CloudoConfig } from '../config';
import { startAzurite } from './azurite';

export type LocalStorage = { readonly connectionString: string; readonly embedded: boolean; stop(): Promise<void> };

export async function openLocalStorage(config: CloudoConfig, log: (line: string) => void): Promise<LocalStorage> {
  if (config.storageConnection) {
    return { connectionString: config.storageConnection, embedded: false, stop: async () => undefined };
  }
  const azurite = await startAzurite({
    mode: config.localStorage,
    dataDir: path.join(config.localDataDir, 'azurite'),
    log,
  });
  return { connectionString: azurite.connectionString, embedded: true, stop: () => azurite.stop() };
}
