// Storage clients: the one place that builds Table and Queue clients, from a connection string or an identity.
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import type { StorageTarget } from '../../config/storage-settings';
import { createAzureCredential } from './azure-credential';
import { watchDelivery } from './write-outcome';

export type StorageNames = { readonly mappingsTable: string; readonly executionsTable: string };

export type StorageClients = {
  readonly mappings: TableClient;
  readonly executions: TableClient;
  readonly queues: QueueServiceClient;
};

// Few, short tries: a request handler must answer 503 while the caller is still waiting, not after a minute.
// A storage endpoint that accepts connections but never answers would otherwise hang a request indefinitely.
const TRY_TIMEOUT_MS = 5_000;

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];
const perTryTimeout: PipelinePolicy = {
  name: 'cloudoPerTryTimeout',
  sendRequest: (request, next) => {
    if (!request.timeout || request.timeout > TRY_TIMEOUT_MS) request.timeout = TRY_TIMEOUT_MS;
    return next(request);
  },
};
const TABLE_OPTIONS = {
  retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
  additionalPolicies: [
    { policy: perTryTimeout, position: 'perRetry' as const },
    // An insert whose answer was lost must not be reported as not written (see write-outcome).
    { policy: watchDelivery, position: 'perRetry' as const },
  ],
};
const QUEUE_OPTIONS = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 1000, tryTimeoutInMs: TRY_TIMEOUT_MS },
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

/** Clients for the configured storage: by connection string, or by identity with the service URIs. */
export function openStorageClients(target: StorageTarget, names: StorageNames): StorageClients {
  if (target.kind === 'connection-string') return createStorageClients(target.connectionString, names);
  const credential = createAzureCredential(target);
  return {
    mappings: new TableClient(target.tableServiceUri, names.mappingsTable, credential, TABLE_OPTIONS),
    executions: new TableClient(target.tableServiceUri, names.executionsTable, credential, TABLE_OPTIONS),
    queues: new QueueServiceClient(target.queueServiceUri, credential, QUEUE_OPTIONS),
  };
}

/** Creates the tables if missing; queues are created by the run queue on first use. */
export async function ensureTables(clients: StorageClients): Promise<void> {
  await Promise.all([clients.mappings.createTable(), clients.executions.createTable()]);
}
