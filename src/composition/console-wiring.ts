// Console wiring: the read-mostly use cases behind the browser console's routes (mappings, overview).
import { createBudgetReader } from '../adapters/budgets/budget-table';
import { systemClock } from '../adapters/shared/clock';
import type { StorageClients } from '../adapters/shared/storage-clients';
import type { ConcurrencyStore } from '../services/concurrency/ports';
import { getMapping, listMappings, type MappingReadDeps } from '../services/mappings/list-mappings';
import type { MappingStore } from '../services/mappings/ports';
import type { ExecutionStore } from '../services/runs/ports';
import type { MappingReads } from './service-groups';

export type ConsoleParts = {
  readonly storage: StorageClients;
  readonly mappings: MappingStore;
  readonly executions: ExecutionStore;
  readonly slots: ConcurrencyStore;
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
