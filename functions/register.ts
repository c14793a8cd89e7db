// Function registrations: the one list of ClouDO's functions, handed to Azure's `app` or to the local runtime.
import type { HttpFunctionOptions, StorageQueueFunctionOptions, TimerFunctionOptions } from '@azure/functions';
import type { CloudoConfig } from '../src/config/load-config';
import type { AppServices } from '../src/composition/service-groups';
import { queueNameForPool } from '../src/domain/runs/run-message';
import { defineApprovalsFunction } from './approvals';
import { defineHealthFunction } from './health';
import { defineCancelFunction } from './cancel';
import { defineOutputFunction } from './output';
import { defineIntakeFunction } from './intake';
import { defineLogsFunction } from './logs';
import { defineMeFunction } from './me';
import { defineOverviewFunction } from './overview';
import { defineMappingFunction, defineMappingsFunction } from './mappings';
import { defineNotifierFunction } from './oncall-timer';
import { defineSweeperFunction } from './sweeper';
import { defineSchedulerFunction } from './scheduler';
import { defineSchedulesFunction } from './schedules';
import { defineTriggerFunction } from './trigger';
import { defineRunsFunction } from './runs';
import { defineAuditFunction } from './audit';
import type { GuardFor } from '../src/http/guarded-handler';
import { reportResponsesTo } from '../src/http/http-handler';
import { defineUnmatchedDryRunFunction, defineUnmatchedFunction } from './unmatched';
import { defineConsoleFunction } from './console';
import { defineMetricsFunction } from './metrics';
import { consoleFiles } from '../src/composition/console-assets';
import { defineWorkerFunction } from './worker';
import { defineOpenApiFunction } from './openapi';
import { appVersionOf } from '../src/adapters/shared/app-version';

/** The part of `app` from `@azure/functions` that ClouDO uses; the local runtime implements the same. */
export type FunctionRegistrar = {
  http(name: string, options: HttpFunctionOptions): void;
  storageQueue(name: string, options: StorageQueueFunctionOptions): void;
  timer(name: string, options: TimerFunctionOptions): void;
};

export function registerFunctions(app: FunctionRegistrar, config: CloudoConfig, services: () => AppServices): void {
  reportResponsesTo(() => services().telemetry);
  const guardFor: GuardFor = (route, right) => ({ auth: config.auth, route, right, audit: () => services().audit });
  app.http(
    'Trigger',
    defineTriggerFunction(() => services().trigger, guardFor),
  );
  app.http('console', defineConsoleFunction(consoleFiles));
  app.http(
    'metrics',
    defineMetricsFunction(config, () => services().telemetry, guardFor),
  );
  app.http(
    'logs',
    defineLogsFunction(() => services().executions, guardFor),
  );
  app.http(
    'output',
    defineOutputFunction(() => services().executions, guardFor),
  );
  app.http(
    'cancel',
    defineCancelFunction(() => services().control, guardFor),
  );
  app.http(
    'runs',
    defineRunsFunction(() => services().trigger, guardFor),
  );
  app.http(
    'audit',
    defineAuditFunction(() => services().audit, guardFor),
  );
  app.http('me', defineMeFunction(guardFor));
  app.http(
    'mappings',
    defineMappingsFunction(() => services().mappings, guardFor),
  );
  app.http(
    'mapping',
    defineMappingFunction(() => services().mappings, guardFor),
  );
  app.http(
    'overview',
    defineOverviewFunction(() => services().overview, guardFor),
  );
  app.http(
    'health',
    defineHealthFunction(() => services().health),
  );
  app.http(
    'schedules',
    defineSchedulesFunction(() => services().schedules, guardFor),
  );
  app.http(
    'unmatched',
    defineUnmatchedFunction(() => services().unmatched, guardFor),
  );
  app.http(
    'unmatchedDryRun',
    defineUnmatchedDryRunFunction(() => services().unmatched, guardFor),
  );
  app.http(
    'approvals',
    defineApprovalsFunction(() => services().approvals, guardFor),
  );
  app.http(
    'openapi',
    defineOpenApiFunction(() => appVersionOf(config.auth.appVersion)),
  );
  app.timer(
    'Sweeper',
    defineSweeperFunction(() => services().sweeper, config.sweepSchedule),
  );
  app.timer(
    'Scheduler',
    defineSchedulerFunction(() => services().scheduler, config.schedulerSchedule),
  );
  app.timer(
    'Notifier',
    defineNotifierFunction(() => services().notifier),
  );
  app.storageQueue(
    'Intake',
    defineIntakeFunction(() => services().intake, config.intakeQueue, config.storageSetting),
  );
  // Pools that differ only in case or punctuation share a queue, so they share one worker function.
  const queues = new Map(config.workerPools.map((pool) => [queueNameForPool(config.queuePrefix, pool), pool]));
  for (const [queueName, pool] of queues) {
    app.storageQueue(
      `Worker-${queueNameForPool('', pool)}`,
      defineWorkerFunction(() => services().worker, queueName, config.storageSetting),
    );
  }
}
