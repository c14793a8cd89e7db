// Composition root: wires adapters into the use cases, once per process, from the validated configuration.
import { systemClock } from './adapters/clock';
import { createExecutionTable } from './adapters/execution-table';
import { createMappingTable } from './adapters/mapping-table';
import { runProcess } from './adapters/process-runner';
import { resolveRunbook } from './adapters/runbook-resolver';
import { createRunQueue } from './adapters/run-queue';
import { createStorageClients, ensureTables, type StorageClients } from './adapters/storage-clients';
import { storageCall } from './adapters/storage-errors';
import type { CloudoConfig } from './config';
import { AppError } from './domain/errors';
import type { Execution } from './domain/execution';
import { handleRunMessage, type DeliveredMessage, type HandleOutcome } from './services/handle-run-message';
import type { Logger } from './services/ports';
import { getExecution, listExecutions, type ListResult } from './services/query-executions';
import { requestRun, type AcceptedRun, type RunRequest } from './services/request-run';
import { sweepLostExecutions } from './services/sweep-executions';

export type AppServices = {
  requestRun(req: RunRequest, log: Logger): Promise<AcceptedRun>;
  listExecutions(params: Record<string, string>): Promise<ListResult>;
  getExecution(execId: string): Promise<Execution>;
  handleRunMessage(msg: DeliveredMessage, log: Logger): Promise<HandleOutcome>;
  /** Marks executions whose worker was lost as `error`; returns how many. */
  sweepLostExecutions(log: Logger): Promise<number>;
  /** Throws storage_unavailable when the account cannot be reached. */
  checkStorage(): Promise<void>;
};

export function createAppServices(config: CloudoConfig, clients?: StorageClients): AppServices {
  const storage = clients ?? connect(config);
  let ready: Promise<void> | undefined;
  // Tables are created once per process, on first use, so a cold start needs no separate setup step.
  const whenReady = async () => {
    ready ??= storageCall(() => ensureTables(storage)).catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    await ready;
  };
  const mappings = createMappingTable(storage.mappings);
  const executions = createExecutionTable(storage.executions);
  const queue = createRunQueue(storage.queues, config.queuePrefix);
  const runner = { locate: (runbook: string) => resolveRunbook(config.runbooksDir, runbook), run: runProcess };
  const settings = {
    runbooksDir: config.runbooksDir,
    baseEnv: config.runbookBaseEnv,
    interpreters: { bash: config.bash, python: config.python },
    killGraceSeconds: config.killGraceSeconds,
    maxOutputBytes: config.maxOutputBytes,
  };
  const common = { executions, queue, clock: systemClock };
  return {
    requestRun: async (req, log) => {
      await whenReady();
      return requestRun({ ...common, mappings, log, defaultTimeoutSeconds: config.defaultTimeoutSeconds }, req);
    },
    listExecutions: async (params) => (await whenReady(), listExecutions(executions, params)),
    getExecution: async (execId) => (await whenReady(), getExecution(executions, execId)),
    handleRunMessage: async (msg, log) => {
      await whenReady();
      return handleRunMessage({ ...common, log, runner, settings }, msg);
    },
    sweepLostExecutions: async (log) => {
      await whenReady();
      return sweepLostExecutions({ ...common, log, slackSeconds: 120, killGraceSeconds: config.killGraceSeconds });
    },
    checkStorage: async () => {
      await whenReady();
      await storageCall(() => storage.mappings.getEntity('~health', '~health')).catch((err: unknown) => {
        if (err instanceof AppError) throw err;
      });
    },
  };
}

function connect(config: CloudoConfig): StorageClients {
  if (!config.storageConnection) {
    throw new AppError('internal', 'No storage connection: set AzureWebJobsStorage or CLOUDO_STORAGE_CONNECTION.');
  }
  return createStorageClients(config.storageConnection, config);
}
