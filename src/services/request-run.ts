// Request a run: find the mapping, admit it (queue, approval, budget), record it, and queue it when it may run now.
import { refusal } from '../domain/alert-decision';
import { PRINCIPAL_HEADER } from '../domain/api-routes';
import { badRequest, conflict, notFound } from '../domain/errors';
import { newExecId } from '../domain/exec-id';
import type { Execution } from '../domain/execution';
import type { TriggerKind } from '../domain/execution-status';
import type { Mapping } from '../domain/mapping';
import { admittedExecution, deliverRecorded, type OncallDeps } from './admitted-execution';
import type { Clock, ExecutionStore, Logger, MappingStore, RunQueue } from './ports';
import { submitExecution } from './submit-execution';

export type RequestRunDeps = {
  readonly mappings: MappingStore;
  readonly executions: ExecutionStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultTimeoutSeconds: number;
  readonly oncall: OncallDeps;
};

export type RunRequest = {
  readonly id: string;
  readonly partition?: string;
  readonly trigger: TriggerKind;
  /** The signed-in caller (App Service authentication), when known. */
  readonly requestedBy?: string;
};

export type AcceptedRun = {
  readonly execution: Execution;
  readonly mapping: Mapping;
  /** Signed links, for a run waiting for approval. */
  readonly approvals: { readonly approve: string; readonly reject: string } | null;
};

export async function requestRun(deps: RequestRunDeps, req: RunRequest): Promise<AcceptedRun> {
  const mapping = await findMapping(deps.mappings, req);
  const refused = refusal(mapping);
  if (refused) throw conflict(`Mapping "${mapping.id}" ${refused.reason}.`, { field: 'id', reason: refused.code });
  // Four eyes compare the approver with the requester: an anonymous request would let anyone approve it.
  if (mapping.fourEyes && !req.requestedBy) {
    throw badRequest(
      PRINCIPAL_HEADER,
      `Mapping "${mapping.id}" applies the four-eyes rule, so ClouDO must know who asks: sign in through App Service authentication.`,
    );
  }
  const now = deps.clock.now();
  const { execution, release } = await admittedExecution(
    deps.oncall,
    {
      execId: newExecId(now),
      mapping,
      trigger: req.trigger,
      now,
      defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
      ...(req.requestedBy ? { requestedBy: req.requestedBy } : {}),
    },
    null,
  );
  // A person asked and is waiting for the answer: a run that cannot even wait for approval is refused, not recorded.
  if (execution.status === 'skipped') {
    throw conflict(`Mapping "${mapping.id}" ${execution.error ?? 'cannot run'}.`, { field: 'id', reason: 'approval' });
  }
  const written = await submitExecution(deps, execution).catch(async (err: unknown) => {
    await release().catch(() => undefined);
    throw err;
  });
  deps.log.info(`${execution.status} ${execution.execId}: ${mapping.partition}/${mapping.id} (${mapping.runbook})`);
  await deliverRecorded(deps.oncall, written, deps.log);
  return { execution: written.value, mapping, approvals: deps.oncall.links.approvals(written.value) };
}

async function findMapping(store: MappingStore, req: RunRequest): Promise<Mapping> {
  const mapping = req.partition ? await store.get(req.partition, req.id) : await store.findById(req.id);
  if (mapping) return mapping;
  const where = req.partition ? ` in partition "${req.partition}"` : '';
  throw notFound(`No mapping with id "${req.id}"${where}.`, { field: 'id' });
}
