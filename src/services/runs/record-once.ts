// One execution per idempotency key: claim the key, record the run, commit. A concurrent request waits for the
// claimant; a claim whose request died is taken over after a lease; a recorded run is adopted, never recorded twice.
import { AppError, isAlreadyExists } from '../../domain/shared/errors';
import { newExecId } from '../../domain/runs/exec-id';
import type { Execution } from '../../domain/runs/execution';
import type { ClaimStore, ExecutionStore, HeldClaim, IdempotencyClaim, RunQueue } from './ports';
import type { Clock, Logger, Versioned } from '../shared/ports';
import { sendOrLeave, submitExecution } from './submit-execution';
import type { RequestOrigin } from '../../domain/audit/audit-record';
import type { AuditDeps } from '../audit/audit-trail';

export type ClaimTiming = {
  /** A claim left pending this long belongs to a request that died: the next request takes it over. */
  readonly leaseMs: number;
  /** How long a request waits for another one recording the same key before it answers from what it finds. */
  readonly waitMs: number;
};

// Azure Monitor waits 10 s for an answer and retries for about a minute: a 5 s wait leaves room for our own storage
// calls, and a 30 s lease lets a retry within that minute take over from a request that died.
export const CLAIM_TIMING: ClaimTiming = { leaseMs: 30_000, waitMs: 5_000 };

export type OnceDeps = {
  readonly executions: ExecutionStore;
  readonly queue: RunQueue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly audit?: AuditDeps;
};

/** A new execution as admission shaped it; `release` gives back what admission took (a budget slot). */
export type Prepared = { readonly execution: Execution; readonly release?: () => Promise<void> };

export type OnceRequest = {
  readonly claims: ClaimStore;
  readonly key: string;
  /** What the key stands for; a key already used for something else is refused with `mismatch`. */
  readonly fingerprint: string | null;
  readonly mismatch?: () => AppError;
  readonly timing: ClaimTiming;
  /** When waiting for another request ends (epoch ms): the caller's answer is due soon after. */
  readonly waitUntil: number;
  /** What a request is told when another one holds the key, has recorded nothing, and waiting is over. */
  readonly busy: string;
  /** Admits the execution with this id; `store` then keeps what it needs before it is recorded. */
  prepare(execId: string, now: Date): Promise<Prepared>;
  /** Where a person's request came from, for the run's audit record. */
  readonly origin?: RequestOrigin;
  store?(execution: Execution): Promise<void>;
};

export type Once = { readonly written: Versioned<Execution>; readonly duplicate: boolean };

// A bound on rounds, not on time: each round is a claim, a wait or a lost race against another request's progress.
const MAX_ROUNDS = 40;

export async function recordOnce(deps: OnceDeps, req: OnceRequest): Promise<Once> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const now = deps.clock.now();
    const execId = newExecId(now);
    const claim = await req.claims.claimKey(req.key, execId, now, req.fingerprint);
    const done =
      claim.kind === 'claimed'
        ? await record(deps, req, { execId, token: claim.token, fingerprint: req.fingerprint })
        : await settle(deps, req, claim, now);
    if (done) return done;
    await pause(deps, req, round);
  }
  throw new AppError('busy', req.busy);
}

/** Someone else's claim: its run, a take-over, or null to look again (after a pause, until the wait is over). */
async function settle(
  deps: OnceDeps,
  req: OnceRequest,
  claim: Exclude<IdempotencyClaim, { kind: 'claimed' }>,
  now: Date,
) {
  if (claim.fingerprint !== req.fingerprint) throw req.mismatch?.() ?? new AppError('busy', req.busy);
  if (claim.kind === 'committed') {
    const found = await deps.executions.get(claim.execId);
    // A committed key whose record is gone (it should not be): record the run again rather than answer nothing.
    return found ? { written: found, duplicate: true } : retake(deps, req, claim, now);
  }
  if (now.getTime() - claim.claimedAt.getTime() > req.timing.leaseMs) return retake(deps, req, claim, now);
  if (now.getTime() < req.waitUntil) return null;
  // The claimant is alive but slow: the run it recorded is the answer; nothing recorded yet is a 503 to retry.
  const found = await deps.executions.get(claim.execId);
  if (found) return adopt(deps, req, found);
  throw new AppError('busy', req.busy);
}

// The claimant died (or took its run back): finish its job under its execution id, so that if it was only slow, its
// late write and ours are one insert of the same record, and exactly one of them lands.
async function retake(deps: OnceDeps, req: OnceRequest, claim: HeldClaim, now: Date): Promise<Once | null> {
  const token = await req.claims.renewKey(req.key, claim, now);
  if (token === null) return null;
  const held = { ...claim, token };
  const found = await deps.executions.get(claim.execId);
  return found ? adopt(deps, req, found) : record(deps, req, held);
}

/** A recorded run whose claimant may not have queued it or committed its key: do both. */
async function adopt(deps: OnceDeps, req: OnceRequest, found: Versioned<Execution>): Promise<Once> {
  // Its message may never have been sent: a second one is harmless, as the worker's claim runs it once. Best
  // effort, as the answer to a duplicate must not fail: the Sweeper sends whatever is still queued later.
  if (found.value.status === 'queued') await sendOrLeave(deps, found.value);
  await commit(deps, req, found.value.execId);
  return { written: found, duplicate: true };
}

async function record(deps: OnceDeps, req: OnceRequest, held: HeldClaim): Promise<Once | null> {
  let prepared: Prepared | undefined;
  let token = held.token;
  let inserting = false;
  let written: Versioned<Execution>;
  try {
    prepared = await req.prepare(held.execId, deps.clock.now());
    await req.store?.(prepared.execution);
    // The lease restarts here, just before the commit point: a claimant that stalled past it has lost the key
    // and writes nothing; one that did not has a whole lease for a write that takes milliseconds.
    const renewed = await req.claims.renewKey(req.key, held, deps.clock.now());
    if (renewed === null) {
      await prepared.release?.();
      return null;
    }
    token = renewed;
    inserting = true;
    written = await submitExecution(deps, prepared.execution, req.origin);
  } catch (err) {
    if (isAlreadyExists(err) && prepared) return adoptTheirs(deps, req, prepared);
    // An insert that failed may still have landed: then the run is recorded, and answering it is the only way
    // the sender's retry does not record it a second time.
    const landed = inserting && prepared ? await findOwn(deps, prepared.execution) : 'no';
    if (landed === 'unknown') throw err;
    if (landed !== 'no') return { ...(await adopt(deps, req, landed)), duplicate: false };
    // Free the key so the sender's retry records the run; if even that fails, the claim is taken over later.
    await prepared?.release?.().catch(() => undefined);
    await req.claims.releaseKey(req.key, token).catch(() => undefined);
    throw err;
  }
  await commit(deps, req, held.execId);
  return { written, duplicate: false };
}

/**
 * After a failed insert: our record if it landed, 'no' if it did not, 'unknown' if storage cannot say. Unknown keeps
 * the key (and what admission took) held: after the lease, the sender's retry adopts the record or writes it.
 */
async function findOwn(deps: OnceDeps, execution: Execution): Promise<Versioned<Execution> | 'no' | 'unknown'> {
  const found = await deps.executions.get(execution.execId).catch(() => 'unknown' as const);
  if (found === 'unknown') return found;
  return found?.value.requestedAt === execution.requestedAt ? found : 'no';
}

// The insert found the record written by the request that took the key over (our own earlier try, whose answer was
// lost, submitExecution takes as ours). It is recorded once, by them: what our admission took is given back.
async function adoptTheirs(deps: OnceDeps, req: OnceRequest, prepared: Prepared): Promise<Once> {
  await prepared.release?.().catch(() => undefined);
  const found = await deps.executions.get(prepared.execution.execId);
  if (!found) throw new AppError('busy', req.busy);
  return adopt(deps, req, found);
}

async function commit(deps: OnceDeps, req: OnceRequest, execId: string): Promise<void> {
  // The run is recorded: a failed commit only makes later duplicates wait for the claim, then adopt the run.
  await req.claims.commitKey(req.key, execId).catch((err: unknown) => deps.log.warn(`commit failed: ${String(err)}`));
}

// Short at first, as the claimant usually commits within milliseconds; never past the wait's end.
async function pause(deps: OnceDeps, req: OnceRequest, round: number): Promise<void> {
  const left = req.waitUntil - deps.clock.now().getTime();
  const ms = Math.min(50 * 2 ** Math.min(round, 5), 1000, left);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
