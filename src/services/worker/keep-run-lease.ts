// Keeping a run's lease: while its runbook runs, the worker renews the record's lease so the Sweeper knows it lives,
// and watches the record for a cancel request, which may come through any instance.
import { computeLeaseEnd, LEASE_RENEW_MS } from '../../domain/runs/run-lease';
import type { CancelRequest } from '../../domain/runs/cancel';
import type { Execution } from '../../domain/runs/execution';
import type { ExecutionStore } from '../runs/ports';
import type { Clock, Logger, Versioned } from '../shared/ports';
import { replaceKeepingOutbox } from '../runs/replace-keeping-outbox';

export type LeaseDeps = {
  readonly executions: ExecutionStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Between renewals; tests shorten it. */
  readonly leaseRenewMs?: number;
  /** Between reads of the record for a cancel request: a cancelled run stops within this, plus the kill grace. */
  readonly cancelWatchMs?: number;
};

export type LeaseKeeper = {
  /** Stops renewing once the renewal in flight is done; the run's latest version this worker knows, still running. */
  stop(): Promise<Versioned<Execution>>;
};

const CANCEL_WATCH_MS = 1000;

export function keepRunLease(
  deps: LeaseDeps,
  claimed: Versioned<Execution>,
  onCancel: (cancel: CancelRequest) => void = () => undefined,
): LeaseKeeper {
  let current = claimed;
  let heard = false;
  let over = false;
  let pending = Promise.resolve();
  // A running record changes only by its worker, a delivery, a cancel request, or the Sweeper calling it lost: a
  // version still running is the one to build on.
  const adopt = (latest: Versioned<Execution> | null): boolean => {
    if (latest?.value.status !== 'running') return false;
    current = latest;
    if (latest.value.cancel && !heard) {
      heard = true;
      onCancel(latest.value.cancel);
    }
    return true;
  };
  const renew = async (tries = 3): Promise<void> => {
    const renewed = { ...current.value, leaseUntil: computeLeaseEnd(deps.clock.now()) };
    const written = await replaceKeepingOutbox(deps.executions, renewed, current);
    if (written) return void (current = written);
    if (adopt(await deps.executions.get(current.value.execId))) return tries > 1 ? renew(tries - 1) : undefined;
    // The Sweeper called the run lost. Renewing is over; the result, once recorded, replaces its guess.
    over = true;
    deps.log.warn(`${current.value.execId}: the run was ended while running; its result will correct the record`);
  };
  const watch = async (): Promise<void> => {
    if (!heard) adopt(await deps.executions.get(current.value.execId));
  };
  // One at a time, so `current` only moves forward; storage down: the next turn tries again, and two renewals may
  // fail before the lease runs out.
  // A slow store must not pile steps up: one waiting behind the one running is enough.
  const serially = (step: () => Promise<void>) => {
    let queued = 0;
    return () => {
      if (queued >= 2) return;
      queued++;
      pending = pending
        .then(() => (over ? undefined : step()))
        .catch((err: unknown) => deps.log.warn(`${current.value.execId}: ${String(err)}`))
        .finally(() => queued--);
    };
  };
  const timers = [
    setInterval(
      serially(() => renew()),
      deps.leaseRenewMs ?? LEASE_RENEW_MS,
    ),
    setInterval(serially(watch), deps.cancelWatchMs ?? CANCEL_WATCH_MS),
  ];
  return {
    stop: async () => {
      timers.forEach(clearInterval);
      await pending;
      return current;
    },
  };
}
