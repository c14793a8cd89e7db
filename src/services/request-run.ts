// Request a run: find the mapping, record a queued execution, then put it on its worker pool's queue.
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
  if (!mapping.enabled) throw conflict(`Mapping "${mapping.id}" is disabled.`, { field: 'id', reason: 'disabled' });
  if (mapping.requireApproval) {
    // Fail closed: until approval gates exist, a mapping that asks for a human "yes" never runs unattended.
    throw conflict(`Mapping "${mapping.id}" requires approval, and this ClouDO has no approval gate yet.`, {
      field: 'id',
      reason: 'approval_required',
    });
  }
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
