// Scheduled runs: on every scheduler tick, each due (mapping, slot) is recorded once, whichever instance gets there.
import { compactKey } from '../../domain/alerts/alert';
import { findRefusal } from '../../domain/alerts/alert-decision';
import type { Mapping } from '../../domain/mappings/mapping';
import { resolveRequestParams } from '../../domain/runs/run-params';
import { dueSlot } from '../../domain/schedules/schedule';
import { admitExecution, deliverRecorded, type RecordingDeps } from '../runs/admitted-execution';
import type { MappingStore } from '../mappings/ports';
import type { ClaimStore } from '../runs/ports';
import { CLAIM_TIMING, recordOnce } from '../runs/record-once';
import { toExecutionParams } from '../runs/run-parameters';
import { runAllBounded } from '../shared/bounded-all';

export type ScheduleDeps = RecordingDeps & {
  readonly mappings: MappingStore;
  /** Where (mapping, slot) claims are made: the same conditional inserts as idempotency keys. */
  readonly claims: ClaimStore;
  /** A slot is due for this long after its time; later, it was missed (run once only with catch_up). */
  readonly graceMs: number;
  /** When this process first saw each scheduled mapping, cached from the claim that records it. */
  readonly firstSeen: Map<string, number>;
};

export type ScheduleReport = { readonly scheduled: number; readonly started: number; readonly failed: number };

const PARALLEL = 4;

export async function fireSchedules(deps: ScheduleDeps): Promise<ScheduleReport> {
  const now = deps.clock.now();
  const scheduled = (await deps.mappings.listCandidates()).filter((m) => m.schedule !== null && !findRefusal(m));
  let started = 0;
  let failed = 0;
  await runAllBounded(
    scheduled.map((m) => async () => {
      try {
        if (await fireOne(deps, m, now)) started++;
      } catch (err) {
        failed++;
        deps.log.warn(`schedule of ${m.partition}/${m.id} failed; the next tick tries again: ${String(err)}`);
      }
    }),
    PARALLEL,
  );
  return { scheduled: scheduled.length, started, failed };
}

/** True when this call recorded the slot's run; false when it was not due, missed, or recorded already. */
async function fireOne(deps: ScheduleDeps, m: Mapping, now: Date): Promise<boolean> {
  const slot = m.schedule ? dueSlot(m.schedule, now) : null;
  if (!slot) return false;
  // Recorded at the first tick that sees a catch_up mapping (then cached): a slot before it was never missed.
  const seen = m.catchUp ? await firstSeen(deps, m, now) : now.getTime();
  // Missed while ClouDO was down: not back-filled, except the most recent slot, once, with catch_up.
  if (now.getTime() - slot.getTime() > deps.graceMs && (!m.catchUp || slot.getTime() < seen)) return false;
  const slotText = slot.toISOString();
  const timing = deps.claimTiming ?? CLAIM_TIMING;
  const { written, duplicate } = await recordOnce(deps, {
    claims: deps.claims,
    key: compactKey(`schedule|${m.partition}|${m.id}|${slotText}`),
    fingerprint: JSON.stringify([m.partition, m.id]),
    timing,
    waitUntil: now.getTime() + timing.waitMs,
    busy: 'This slot is being recorded by another instance.',
    prepare: async (execId, at) => {
      const params = resolveRequestParams(m.id, m.params, m.scheduleParams);
      const sealed = toExecutionParams(m, params, execId, deps.sealKey);
      const base = { execId, mapping: m, trigger: 'schedule' as const, now: at, requestedBy: 'schedule' };
      const args = { ...base, defaultTimeoutSeconds: deps.defaultTimeoutSeconds, scheduledFor: slotText };
      return admitExecution(deps.oncall, sealed ? { ...args, params: sealed } : args, null);
    },
  });
  if (duplicate) return false;
  const e = written.value;
  deps.log.info(`${e.status} ${e.execId}: ${m.partition}/${m.id} for its ${slotText} slot`);
  await deliverRecorded(deps.oncall, written, deps.log);
  return true;
}

async function firstSeen(deps: ScheduleDeps, m: Mapping, now: Date): Promise<number> {
  const key = `${m.partition}|${m.id}`;
  const cached = deps.firstSeen.get(key);
  if (cached !== undefined) return cached;
  const claim = await deps.claims.claimKey(compactKey(`schedule-seen|${key}`), 'seen', now, null);
  const seen = claim.kind === 'pending' ? claim.claimedAt.getTime() : now.getTime();
  deps.firstSeen.set(key, seen);
  return seen;
}
