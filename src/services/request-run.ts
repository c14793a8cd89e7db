// Request a run: find the mapping, record a queued execution, then put it on its worker pool's queue.
import { conflict, notFound } from '../domain/errors';
import { newExecId } from '../domain/exec-id';
import { newExecution, type Execution, type TriggerKind } from '../domain/execution';
import type { Mapping } from '../domain/mapping';
import type { Clock, ExecutionStore, Logger, MappingStore, RunQueue, Versioned } from './ports';

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
  const created = await deps.executions.create(execution);
  try {
    await deps.queue.enqueue(mapping.worker, { v: 1, execId: execution.execId });
  } catch (err) {
    // A worker that already claimed the run proves the message got through despite the error.
    if (!(await undoCreate(deps, created))) return { execution, mapping };
    throw err;
  }
  deps.log.info(`queued ${execution.execId}: ${mapping.partition}/${mapping.id} (${mapping.runbook})`);
  return { execution, mapping };
}

async function findMapping(store: MappingStore, req: RunRequest): Promise<Mapping> {
  const mapping = req.partition ? await store.get(req.partition, req.id) : await store.findById(req.id);
  if (mapping) return mapping;
  const where = req.partition ? ` in partition "${req.partition}"` : '';
  throw notFound(`No mapping with id "${req.id}"${where}.`, { field: 'id' });
}

// The caller is told 503 and will retry, so the record must not stay behind as a run that never happens.
// Returns false when the record moved on: the enqueue did land and a worker has it.
async function undoCreate(deps: RequestRunDeps, created: Versioned<Execution>): Promise<boolean> {
  try {
    return await deps.executions.removeIfUnchanged(created);
  } catch (err) {
    deps.log.error(`could not remove ${created.value.execId} after a failed enqueue; it stays queued: ${String(err)}`);
    return true;
  }
}
