// Storage clients: the one place that builds Table and Queue clients from the configured connection.
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';

export type StorageNames = { readonly mappingsTable: string; readonly executionsTable: string };

export type StorageClients = {
  readonly mappings: TableClient;
  readonly executions: TableClient;
  readonly queues: QueueServiceClient;
};

// Few, short retries: a request handler must answer 503 while the caller is still waiting, not after a minute.
const TABLE_OPTIONS = { retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } };
const QUEUE_OPTIONS = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 1000, tryTimeoutInMs: 15_000 },
};

export function createStorageClients(connectionString: string, names: StorageNames): StorageClients {
  // Azurite and other development endpoints speak plain http; the SDK refuses that unless told.
  const insecure = /DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true|=http:\/\//i.test(connectionString);
  const tableOptions = { ...TABLE_OPTIONS, allowInsecureConnection: insecure };
  return {
    mappings: TableClient.fromConnectionString(connectionString, names.mappingsTable, tableOptions),
    executions: TableClient.fromConnectionString(connectionString, names.executionsTable, tableOptions),
    queues: QueueServiceClient.fromConnectionString(connectionString, QUEUE_OPTIONS),
  };
}

/** Creates the tables if missing; queues are created by the run queue on first use. */
export async function ensureTables(clients: StorageClients): Promise<void> {
  await Promise.all([clients.mappings.createTable(), clients.executions.createTable()]);
}
