// Run lease: a running execution is known to be alive until its lease ends; its worker renews it while the runbook
// runs, so a worker that died (or never heard its claim succeed) is found within a minute, not after the timeout.

/** How long a claimed run counts as alive without word from its worker. */
export const RUN_LEASE_SECONDS = 60;

/** How often the worker renews: two renewals may fail (a storage hiccup) before the lease ends. */
export const LEASE_RENEW_MS = (RUN_LEASE_SECONDS * 1000) / 3;

/** The end of a lease taken or renewed at `now`. */
export function computeLeaseEnd(now: Date): string {
  return new Date(now.getTime() + RUN_LEASE_SECONDS * 1000).toISOString();
}

/** Whether a run's lease has ended; runs recorded before leases existed have none and never expire this way. */
export function isLeaseOver(run: { readonly leaseUntil?: string | undefined }, now: Date): boolean {
  return run.leaseUntil !== undefined && Date.parse(run.leaseUntil) < now.getTime();
}
