// Request a run: find the mapping, record a queued execution, then put it on its worker pool's queue.
import { refusal } from '../domain/alert-decision';
import { conflict, notFound } from '../domain/errors';
import { newExecId } from '../domain/exec-id';
import { newExecution, type Execution, type TriggerKind } from '../domain/execution';
import type { Mapping } from '../domain/mapping';
import type { Clock, ExecutionStore, Logger, MappingStore, RunQueue } from './ports';
import { submitExecution } from './submit-execution';

export type RequestRunDeps = {
  readonly mappings: MappingStore;
  readonly executions: ExecutionStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultTimeoutSeconds: number;
};

export type RunRequest = { readonly id: string; readonly partition?: string; readonly trigger: TriggerKind };

export type AcceptedRun = { readonly execution: Execution; readonly mapping: Mapping };

export async function requestRun(deps: RequestRunDeps, req: RunRequest): Promise<AcceptedRun> {
  const mapping = await findMapping(deps.mappings, req);
  const refused = refusal(mapping);
  if (refused) throw conflict(`Mapping "${mapping.id}" ${refused.reason}.`, { field: 'id', reason: refused.code });
  const now = deps.clock.now();
  const execution = newExecution({
    execId: newExecId(now),
    mapping,
    trigger: req.trigger,
    now,
    defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
  });
  await submitExecution(deps, execution);
  deps.log.info(`queued ${execution.execId}: ${mapping.partition}/${mapping.id} (${mapping.runbook})`);
  return { execution, mapping };
}

async function findMapping(store: MappingStore, req: RunRequest): Promise<Mapping> {
  const mapping = req.partition ? await store.get(req.partition, req.id) : await store.findById(req.id);
  if (mapping) return mapping;
  const where = req.partition ? ` in partition "${req.partition}"` : '';
  throw notFound(`No mapping with id "${req.id}"${where}.`, { field: 'id' });
}
