// Local storage: the configured account, or an embedded Azurite started for this run.
import path from 'node:path';
import type { CloudoConfig } from '../config';
import type { StorageTarget } from '../storage-settings';
import { startAzurite } from './azurite';

export type LocalStorage = { readonly target: StorageTarget; readonly embedded: boolean; stop(): Promise<void> };

export async function openLocalStorage(config: CloudoConfig, log: (line: string) => void): Promise<LocalStorage> {
  if (config.storage) return { target: config.storage, embedded: false, stop: async () => undefined };
  const azurite = await startAzurite({
    mode: config.localStorage,
    dataDir: path.join(config.localDataDir, 'azurite'),
    log,
  });
  const target = { kind: 'connection-string' as const, connectionString: azurite.connectionString };
  return { target, embedded: true, stop: () => azurite.stop() };
}
