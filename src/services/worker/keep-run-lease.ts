// Keeping a run's lease: while its runbook runs, the worker renews the record's lease so the Sweeper knows it lives.
import { computeLeaseEnd, LEASE_RENEW_MS } from '../../domain/runs/run-lease';
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
};

export type LeaseKeeper = {
  /** Stops renewing once the renewal in flight is done; the run's latest version this worker knows, still running. */
  stop(): Promise<Versioned<Execution>>;
};

export function keepRunLease(deps: LeaseDeps, claimed: Versioned<Execution>): LeaseKeeper {
  let current = claimed;
  let renewing = Promise.resolve();
  const renew = async (): Promise<void> => {
    try {
      const renewed = { ...current.value, leaseUntil: computeLeaseEnd(deps.clock.now()) };
      const written = await replaceKeepingOutbox(deps.executions, renewed, current);
      if (written) {
        current = written;
        return;
      }
      // Only the Sweeper changes a running record's substance: it called the run lost. Renewing is over; the
      // result, once recorded, replaces its guess.
      clearInterval(timer);
      deps.log.warn(`${current.value.execId}: the run was ended while running; its result will correct the record`);
    } catch (err) {
      // Storage down: the next renewal tries again, and two may fail before the lease runs out.
      deps.log.warn(`${current.value.execId}: renewing the run's lease failed: ${String(err)}`);
    }
  };
  const timer = setInterval(() => (renewing = renewing.then(renew)), deps.leaseRenewMs ?? LEASE_RENEW_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await renewing;
      return current;
    },
  };
}
