// Cancel a run: record the request with who and why; a run not yet started ends at once, a running one by its worker.
import { AppError, badRequest, notFound } from '../../domain/shared/errors';
import { isExecId } from '../../domain/runs/exec-id';
import { requestCancel, MAX_CANCEL_REASON } from '../../domain/runs/cancel';
import type { Execution } from '../../domain/runs/execution';
import type { Clock, Logger } from '../shared/ports';
import type { ExecutionStore, RunQueue } from './ports';
import { releaseRunSlot } from '../concurrency/run-slots';
import type { AuditActor, RequestOrigin } from '../../domain/audit/audit-record';
import { writeAudit, type AuditDeps } from '../audit/audit-trail';
import { replaceKeepingOutbox } from './replace-keeping-outbox';
import { onDecision, withNotifications } from '../../domain/oncall/notify-plan';
import { deliverRecorded, type OncallDeps } from './admitted-execution';
import type { MappingStore } from '../mappings/ports';
import { mayActOn } from '../../domain/identity/mapping-access';
import type { Caller } from '../../domain/identity/caller';

export type CancelDeps = {
  readonly executions: ExecutionStore;
  /** A cancel is audited before it is written: none happens unaudited. */
  readonly audit: AuditDeps;
  /** Wakes the run a cancelled run's concurrency slot passes to. */
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly oncall: OncallDeps;
  /** The run's mapping, whose `access.run` list holds for stopping a run as for starting one. */
  readonly mappings: Pick<MappingStore, 'get'>;
};

export type CancelAsk = {
  readonly execId: string;
  readonly by: string;
  readonly reason?: string | undefined;
  /** Who asks, as verified, and from where: for the audit record. */
  readonly actor: AuditActor;
  readonly origin?: RequestOrigin;
  /** The caller, held to the mapping's run list; key holders are not on it (see mayActOn). */
  readonly caller?: Caller;
};

// Each attempt reads the record again: a worker's lease renewal or a delivery may have changed it meanwhile.
const ATTEMPTS = 5;

/** The record as the cancel left it: `cancelled`, or `running` with the request for its worker to carry out. */
export async function cancelExecution(deps: CancelDeps, ask: CancelAsk): Promise<Execution> {
  if (!isExecId(ask.execId)) throw badRequest('execId', `"${ask.execId.slice(0, 80)}" is not an execution id.`);
  const reason = ask.reason?.trim() ?? '';
  if (reason.length > MAX_CANCEL_REASON) throw badRequest('reason', `At most ${MAX_CANCEL_REASON} characters.`);
  // eslint-disable-next-line no-control-regex -- the reason is written into logs and the record's error line
  if (/[\u0000-\u001f\u007f]/.test(reason)) throw badRequest('reason', 'One line of text, without control characters.');
  let audited = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const found = await deps.executions.get(ask.execId);
    if (!found) throw notFound(`No execution ${ask.execId}.`, { field: 'execId' });
    if (attempt === 0 && ask.caller) await holdToRunList(deps, ask.caller, found.value);
    const cancel = { requestedBy: ask.by, reason: reason || null, requestedAt: deps.clock.now().toISOString() };
    const cancelled = requestCancel(found.value, cancel);
    if (cancelled === found.value) return cancelled;
    // A run that waited for a decision asked for one on the on-call channels: that request is closed now.
    const asked = found.value.status === 'pending_approval';
    const channels = deps.oncall.channels(cancelled.partition);
    const next = asked ? withNotifications(cancelled, onDecision(cancelled, channels, deps.clock.now())) : cancelled;
    if (!audited) {
      await writeAudit(deps.audit, {
        actor: ask.actor,
        action: 'run.cancelled',
        execId: ask.execId,
        mapping: `${found.value.partition}/${found.value.mappingId}`,
        outcome: next.status === 'cancelled' ? 'cancelled' : 'stop requested',
        detail: { from: found.value.status, ...(reason ? { reason } : {}) },
        ...(ask.origin ? { origin: ask.origin } : {}),
      });
      audited = true;
    }
    const written = await replaceKeepingOutbox(deps.executions, next, found);
    if (written) {
      deps.log.info(`${ask.execId}: cancel requested by ${ask.by} (${found.value.status} -> ${next.status})`);
      // A queued run may wait in line for a concurrency slot, or have been handed one: either goes to the next.
      if (found.value.status === 'queued') await releaseRunSlot({ ...deps, slots: deps.oncall.admit.slots }, next);
      await deliverRecorded(deps.oncall, written, deps.log);
      return written.value;
    }
  }
  throw new AppError('busy', `Execution ${ask.execId} kept changing while it was being cancelled; retry.`);
}

/** Who may not start a mapping's runs may not stop them either; a mapping removed since leaves it to the role. */
async function holdToRunList(deps: CancelDeps, caller: Caller, e: Execution): Promise<void> {
  const mapping = await deps.mappings.get(e.partition, e.mappingId);
  if (mapping === null || mayActOn(caller, mapping.access, 'run')) return;
  throw new AppError('forbidden', `${caller.name} is not on the run list of mapping "${mapping.id}".`, {
    field: 'execId',
    missingRole: mapping.access.run?.join(', ') ?? '',
  });
}
