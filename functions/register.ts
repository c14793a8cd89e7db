// Function registrations: the one list of ClouDO's functions, handed to Azure's `app` or to the local runtime.
import type { HttpFunctionOptions, StorageQueueFunctionOptions, TimerFunctionOptions } from '@azure/functions';
import type { CloudoConfig } from '../src/config/load-config';
import type { AppServices } from '../src/composition/service-groups';
import { queueNameForPool } from '../src/domain/runs/run-message';
import { approvalsFunction } from './approvals';
import { healthFunction } from './health';
import { intakeFunction } from './intake';
import { logsFunction } from './logs';
import { notifierFunction } from './oncall-timer';
import { sweeperFunction } from './sweeper';
import { triggerFunction } from './trigger';
import { unmatchedFunction } from './unmatched';
import { workerFunction } from './worker';

/** The part of `app` from `@azure/functions` that ClouDO uses; the local runtime implements the same. */
export type FunctionRegistrar = {
  http(name: string, options: HttpFunctionOptions): void;
  storageQueue(name: string, options: StorageQueueFunctionOptions): void;
  timer(name: string, options: TimerFunctionOptions): void;
};

export function registerFunctions(app: FunctionRegistrar, config: CloudoConfig, services: () => AppServices): void {
  app.http(
    'Trigger',
    triggerFunction(() => services().trigger),
  );
  app.http(
    'logs',
    logsFunction(() => services().executions),
  );
  app.http(
    'health',
    healthFunction(() => services().health),
  );
  app.http(
    'unmatched',
    unmatchedFunction(() => services().unmatched),
  );
  app.http(
    'approvals',
    approvalsFunction(() => services().approvals),
  );
  app.timer(
    'Sweeper',
    sweeperFunction(() => services().sweeper, config.sweepSchedule),
  );
  app.timer(
    'Notifier',
    notifierFunction(() => services().notifier),
  );
  app.storageQueue(
    'Intake',
    intakeFunction(() => services().intake, config.intakeQueue, config.storageSetting),
  );
  // Pools that differ only in case or punctuation share a queue, so they share one worker function.
  const queues = new Map(config.workerPools.map((pool) => [queueNameForPool(config.queuePrefix, pool), pool]));
  for (const [queueName, pool] of queues) {
    app.storageQueue(
      `Worker-${queueNameForPool('', pool)}`,
      workerFunction(() => services().worker, queueName, config.storageSetting),
    );
  }
}
