// Console wiring: the read-mostly use cases behind the browser console's routes (mappings, overview).
import { createBudgetReader } from '../adapters/budgets/budget-table';
import { systemClock } from '../adapters/shared/clock';
import type { StorageClients } from '../adapters/shared/storage-clients';
import type { ConcurrencyStore } from '../services/concurrency/ports';
import { getMapping, listMappings, type MappingReadDeps } from '../services/mappings/list-mappings';
import type { MappingStore } from '../services/mappings/ports';
import type { ExecutionStore } from '../services/runs/ports';
import type { HealthServices, MappingReads, OverviewReads } from './service-groups';
import type { AlertRecordStore } from '../services/alerts/ports';
import type { CloudoConfig } from '../config/load-config';
import { createRunCensus } from '../adapters/runs/execution-census';
import { createPoisonCensus } from '../adapters/runs/poison-depths';
import { queueNameForPool } from '../domain/runs/run-message';
import { readOverview } from '../services/overview/read-overview';
import { sampleHealth } from '../services/overview/sample-health';
import type { Telemetry } from '../services/telemetry/ports';

export type ConsoleParts = {
  readonly storage: StorageClients;
  readonly mappings: MappingStore;
  readonly executions: ExecutionStore;
  readonly slots: ConcurrencyStore;
  readonly alerts: AlertRecordStore;
  readonly health: HealthServices;
  /** Waits for the tables on first use, as every other use case does. */
  readonly ensure: <T>(fn: () => Promise<T>) => Promise<T>;
};

export function wireMappingReads(parts: ConsoleParts): MappingReads {
  const deps: MappingReadDeps = {
    mappings: parts.mappings,
    executions: parts.executions,
    budgets: createBudgetReader(parts.storage.executions),
    slots: parts.slots,
    clock: systemClock,
  };
  return {
    list: (caller) => parts.ensure(() => listMappings(deps, caller)),
    get: (caller, partition, id) => parts.ensure(() => getMapping(deps, caller, partition, id)),
  };
}

/** `slackSeconds`: the Sweeper's, so what the overview calls stuck is what the Sweeper would act on. */
export function wireOverview(
  config: CloudoConfig,
  parts: ConsoleParts,
  slackSeconds: number,
  telemetry: Pick<Telemetry, 'sampleHealth'>,
): OverviewReads {
  const queues = [...config.workerPools.map((p) => queueNameForPool(config.queuePrefix, p)), config.intakeQueue];
  const deps = {
    census: createRunCensus(parts.storage.executions),
    poison: createPoisonCensus(parts.storage.queues, queues),
    alerts: parts.alerts,
    executions: parts.executions,
    health: () => parts.health.check(),
    clock: systemClock,
    killGraceSeconds: config.killGraceSeconds,
    slackSeconds,
    requeueAfterSeconds: config.requeueAfterSeconds,
  };
  return {
    read: (hours) => parts.ensure(() => readOverview(deps, hours)),
    sampleHealth: () => parts.ensure(() => sampleHealth(deps, telemetry)),
  };
}
