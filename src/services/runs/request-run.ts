// Request a run: find the mapping, admit it (queue, approval, budget), record it, and queue it when it may run now.
import { findRefusal } from '../../domain/alerts/alert-decision';
import { AppError, badRequest, conflict, notFound } from '../../domain/shared/errors';
import { newExecId } from '../../domain/runs/exec-id';
import type { Execution } from '../../domain/runs/execution';
import type { TriggerKind } from '../../domain/runs/execution-status';
import type { RequestKey } from '../../domain/runs/idempotency-key';
import type { Mapping } from '../../domain/mappings/mapping';
import { admitExecution, deliverRecorded, type RecordingDeps } from './admitted-execution';
import type { AlertRecordStore } from '../alerts/ports';
import type { MappingStore } from '../mappings/ports';
import type { Versioned } from '../shared/ports';
import { CLAIM_TIMING, recordOnce, type Once, type Prepared } from './record-once';
import { submitExecution } from './submit-execution';
import { resolveRequestParams, type RunParams } from '../../domain/runs/run-params';
import { toExecutionParams } from './run-parameters';
import type { AuditActor, RequestOrigin } from '../../domain/audit/audit-record';
import { mayActOn } from '../../domain/identity/mapping-access';
import type { Caller } from '../../domain/identity/caller';

export type RequestRunDeps = RecordingDeps & {
  readonly mappings: MappingStore;
  /** Where idempotency keys are claimed. */
  readonly alerts: Pick<AlertRecordStore, 'requestKeys'>;
  /** Where mappings come from, named in a 404: e.g. the schemas directory `npm start` loaded. */
  readonly mappingSource?: string;
};

export type RunRequest = {
  readonly id: string;
  readonly partition?: string;
  readonly trigger: TriggerKind;
  /** The signed-in caller (App Service authentication), when known. */
  readonly requestedBy?: string;
  /** Where the door reads who asks (a header, a message field): the field a 400 names when nobody is known. */
  readonly requesterField?: string;
  /** Requests with the same key and mapping run once. */
  readonly idempotencyKey?: RequestKey;
  /** The request's `params`, as sent: checked against the mapping's declarations (400 naming params.<NAME>). */
  readonly params?: unknown;
  /** Who asks, as verified at the door: recorded on the run and in its audit record. */
  readonly requester?: AuditActor;
  /** The caller, whose roles and groups a mapping's `access.run` list is checked against. */
  readonly caller?: Caller;
  /** Where the request came from, for the audit record. */
  readonly origin?: RequestOrigin;
};

export type AcceptedRun = {
  readonly execution: Execution;
  readonly mapping: Mapping;
  /** Signed links, for a run waiting for approval. */
  readonly approvals: { readonly approve: string; readonly reject: string } | null;
  /** True when an earlier request with the same idempotency key recorded it: no new run. */
  readonly duplicate: boolean;
};

export async function requestRun(deps: RequestRunDeps, req: RunRequest): Promise<AcceptedRun> {
  const mapping = await findMapping(deps, req);
  // Every verified caller is held to the mapping's list (people and signed-in pipelines alike); key holders (CI,
  // senders), alerts and schedules are not on it.
  if (req.caller && !mayActOn(req.caller, mapping.access, 'run')) {
    throw new AppError('forbidden', `${req.caller.name} is not on the run list of mapping "${mapping.id}".`, {
      field: 'id',
      missingRole: mapping.access.run?.join(', ') ?? '',
    });
  }
  const refused = findRefusal(mapping);
  if (refused) throw conflict(`Mapping "${mapping.id}" ${refused.reason}.`, { field: 'id', reason: refused.code });
  const params = resolveRequestParams(mapping.id, mapping.params, req.params);
  // Four eyes compare the approver with the requester: an anonymous request would let anyone approve it.
  if (mapping.fourEyes && !req.requestedBy) {
    throw badRequest(
      req.requesterField ?? 'requestedBy',
      `Mapping "${mapping.id}" applies the four-eyes rule, so ClouDO must know who asks: sign in through App Service authentication.`,
    );
  }
  const { written, duplicate } = req.idempotencyKey
    ? await recordKeyed(deps, req, mapping, params, req.idempotencyKey)
    : { written: await recordNew(deps, req, mapping, params), duplicate: false };
  const e = written.value;
  if (duplicate) {
    deps.log.info(`repeated request for ${mapping.partition}/${mapping.id}: answered with ${e.execId} (${e.status})`);
  } else {
    deps.log.info(`${e.status} ${e.execId}: ${mapping.partition}/${mapping.id} (${mapping.runbook})`);
    await deliverRecorded(deps.oncall, written, deps.log);
  }
  return { execution: e, mapping, approvals: deps.oncall.links.approvals(e), duplicate };
}

async function recordNew(
  deps: RequestRunDeps,
  req: RunRequest,
  mapping: Mapping,
  params: RunParams,
): Promise<Versioned<Execution>> {
  const now = deps.clock.now();
  const { execution, release } = await admit(deps, { req, mapping, params }, newExecId(now), now);
  return submitExecution(deps, execution, req.origin).catch(async (err: unknown) => {
    await release?.().catch(() => undefined);
    throw err;
  });
}

// The key stands for one request: the same mapping. A retry after a lost answer gets the first run, not a second.
function recordKeyed(
  deps: RequestRunDeps,
  req: RunRequest,
  mapping: Mapping,
  params: RunParams,
  key: RequestKey,
): Promise<Once> {
  const timing = deps.claimTiming ?? CLAIM_TIMING;
  return recordOnce(deps, {
    claims: deps.alerts.requestKeys,
    key: key.key,
    // Plain parameter values are part of the request; secret ones are not kept anywhere to compare with.
    fingerprint: JSON.stringify([mapping.partition, mapping.id, ...paramsPrint(params)]),
    mismatch: () =>
      new AppError(
        'unprocessable',
        `This ${key.field} was already used for a request to another mapping; use a new key for a new request.`,
        { field: key.field },
      ),
    timing,
    waitUntil: deps.clock.now().getTime() + timing.waitMs,
    busy: `Another request with this ${key.field} is being recorded; retry.`,
    prepare: (execId, now) => admit(deps, { req, mapping, params }, execId, now),
    ...(req.origin ? { origin: req.origin } : {}),
  });
}

type Asked = { readonly req: RunRequest; readonly mapping: Mapping; readonly params: RunParams };

async function admit(deps: RequestRunDeps, { req, mapping, params }: Asked, execId: string, now: Date) {
  const sealed = toExecutionParams(mapping, params, execId, deps.sealKey);
  const { execution, release } = await admitExecution(
    deps.oncall,
    {
      execId,
      mapping,
      trigger: req.trigger,
      now,
      defaultTimeoutSeconds: deps.defaultTimeoutSeconds,
      ...(req.requestedBy ? { requestedBy: req.requestedBy } : {}),
      ...(req.requester ? { requester: req.requester } : {}),
      ...(sealed ? { params: sealed } : {}),
    },
    null,
  );
  // A person asked and is waiting for the answer: a run that cannot even wait for approval is refused, not recorded.
  if (execution.status === 'skipped') {
    await release().catch(() => undefined);
    throw conflict(`Mapping "${mapping.id}" ${execution.error ?? 'cannot run'}.`, { field: 'id', reason: 'approval' });
  }
  return { execution, release } satisfies Prepared;
}

const paramsPrint = (p: RunParams) => (Object.keys(p.values).length > 0 ? [p.values] : []);

// A 404 names the mappings there are, so a typo or a mapping that was never loaded is plain at once.
const LISTED_IDS = 20;

/** The mapping a request names, or a 404 that lists the mappings there are. */
export async function findMapping(
  deps: Pick<RequestRunDeps, 'mappings' | 'mappingSource'>,
  req: RunRequest,
): Promise<Mapping> {
  const store = deps.mappings;
  const mapping = req.partition ? await store.get(req.partition, req.id) : await store.findById(req.id);
  if (mapping) return mapping;
  const where = req.partition ? ` in partition "${req.partition}"` : '';
  const known = (await store.listAll()).map((m) => `${m.partition}/${m.id}`).sort();
  const listed = known.slice(0, LISTED_IDS).join(', ') + (known.length > LISTED_IDS ? `, … (${known.length})` : '');
  const source = deps.mappingSource ?? 'the mappings table (cloudo schemas apply)';
  const there = known.length === 0 ? `There are no mappings in ${source}.` : `Mappings in ${source}: ${listed}.`;
  throw notFound(`No mapping with id "${req.id.slice(0, 100)}"${where}. ${there}`, { field: 'id' });
}
