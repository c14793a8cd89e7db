// Local storage: the configured account, or an embedded Azurite started for this run.
import path from 'node:path';
import type { CloudoConfig } from '../config/load-config';
import type { Logger } from '../services/shared/ports';
import type { StorageTarget } from '../config/storage-settings';
import { startAzurite } from './azurite';

export type LocalStorage = { readonly target: StorageTarget; readonly embedded: boolean; stop(): Promise<void> };

export async function openLocalStorage(config: CloudoConfig, log: Logger): Promise<LocalStorage> {
  if (config.storage) return { target: config.storage, embedded: false, stop: async () => undefined };
  const dataDir = path.join(config.localDataDir, 'azurite');
  const azurite = await startAzurite({ mode: config.localStorage, dataDir, log });
  // Pids and ports, for whoever must find these processes (they end with ClouDO, even when it is killed).
  const where = config.localStorage === 'disk' ? `data in ${dataDir}` : 'in memory';
  log.info(
    `azurite: tables ${azurite.tableUrl}, queues ${azurite.queueUrl} (pids ${azurite.pids.join(', ')}; ${where})`,
  );
  const target = { kind: 'connection-string' as const, connectionString: azurite.connectionString };
  return { target, embedded: true, stop: () => azurite.stop() };
}
