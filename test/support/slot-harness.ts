// Concurrency tests on real storage without a runtime: app services on their own tables, runbooks of the test's own,
// and records of limit-1 mappings made to order (running, waiting, over), delivered to the worker by hand.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createSlotTable } from '../../src/adapters/concurrency/slot-table';
import { createExecutionTable } from '../../src/adapters/runs/execution-table';
import { createStorageClients, ensureTables } from '../../src/adapters/shared/storage-clients';
import { createAppServices } from '../../src/composition/app-services';
import type { AppServices } from '../../src/composition/service-groups';
import type { CloudoConfig } from '../../src/config/load-config';
import { runConcurrency, type OnBusy, type RunConcurrency } from '../../src/domain/concurrency/concurrency';
import { newExecId } from '../../src/domain/runs/exec-id';
import { newExecution, type Execution } from '../../src/domain/runs/execution';
import type { ConcurrencyStore } from '../../src/services/concurrency/ports';
import type { ExecutionStore } from '../../src/services/runs/ports';
import type { Logger } from '../../src/services/shared/ports';
import { isolatedConfig, sampleMapping } from './fixtures';
import { dropStorage } from './test-runtime';

export const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export type SlotHarness = {
  readonly config: CloudoConfig;
  readonly services: AppServices;
  readonly store: ExecutionStore;
  readonly slots: ConcurrencyStore;
  /** A limit-1 mapping of its own, and a maker of its records requested `minutesAgo`, shaped by `patch`. */
  mappingOfItsOwn(
    runbook: string,
    onBusy?: OnBusy,
  ): {
    concurrency: RunConcurrency;
    record(minutesAgo: number, patch?: (e: Execution, at: Date) => Execution): Promise<Execution>;
  };
  /** The run's message, as a worker gets it. */
  deliver(execId: string): ReturnType<AppServices['worker']['handleRunMessage']>;
  stop(): Promise<void>;
};

export async function startSlotHarness(runbooks: Readonly<Record<string, string>>): Promise<SlotHarness> {
  const connection = inject('storageConnection');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-slots-'));
  // Readable by whichever user runs runbooks.
  chmodSync(dir, 0o755);
  for (const [name, text] of Object.entries(runbooks)) writeFileSync(path.join(dir, name), text, { mode: 0o755 });
  const config = isolatedConfig(connection, { CLOUDO_RUNBOOKS_DIR: dir, PATH: process.env['PATH'] ?? '' });
  const services = createAppServices(config);
  const clients = createStorageClients(connection, config);
  await ensureTables(clients);
  const store = createExecutionTable(clients.executions);
  let seq = 0;
  let msg = 0;
  return {
    config,
    services,
    store,
    slots: createSlotTable(clients.executions),
    mappingOfItsOwn: (runbook, onBusy = 'queue') => {
      const mapping = sampleMapping({ id: `one-${++seq}`, runbook, concurrency: { limit: 1, per: 'mapping', onBusy } });
      const concurrency = runConcurrency(mapping.partition, mapping.id, mapping.concurrency!, null);
      const record = async (minutesAgo: number, patch: (e: Execution, at: Date) => Execution = (e) => e) => {
        const at = new Date(Date.now() - minutesAgo * 60_000);
        const args = { execId: newExecId(at), mapping, trigger: 'manual' as const, now: at, defaultTimeoutSeconds: 60 };
        return (await store.create(patch(newExecution({ ...args, concurrency }), at))).value;
      };
      return { concurrency, record };
    },
    deliver: (execId) =>
      services.worker.handleRunMessage({ queueName: 'q', messageId: `m-${++msg}`, body: { v: 1, execId } }, quiet),
    stop: async () => {
      await dropStorage(config);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
