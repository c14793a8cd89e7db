// Run ports: execution records, their listing, idempotency claims and the worker pools' queues.
import type { Execution, ListedExecution } from '../../domain/runs/execution';
import type { ExecutionStatus, TriggerKind } from '../../domain/runs/execution-status';
import type { RunMessage } from '../../domain/runs/run-message';
import type { Versioned } from '../shared/ports';

export type ExecutionQuery = {
  readonly status?: ExecutionStatus;
  readonly mappingId?: string;
  readonly trigger?: TriggerKind;
  /** An alert rule, full ("group/alert") or short ("alert"). */
  readonly rule?: string;
  readonly since?: Date;
  readonly until?: Date;
  /** Only executions with a notification still to deliver. */
  readonly owesNotification?: boolean;
  readonly limit: number;
  /** Continue after this execution (the last one of the previous page). */
  readonly afterExecId?: string;
};

/** lastExecId is set when more rows may follow. */
export type ExecutionPage = { readonly items: ListedExecution[]; readonly lastExecId?: string };

export type RejectedMessage = {
  readonly queue: string;
  readonly messageId: string;
  readonly reason: string;
  readonly preview: string;
  readonly receivedAt: string;
};

export type ExecutionStore = {
  /**
   * Inserts a new record (the commit point: nothing is listed without it); throws alreadyExists if the id exists,
   * and writeOutcomeUnknown when storage failed after it may have taken the insert (its answer lost).
   */
  create(execution: Execution): Promise<Versioned<Execution>>;
  get(execId: string): Promise<Versioned<Execution> | null>;
  /** Replaces the record only if its ETag still matches; null when another writer changed or removed it first. */
  replaceIf(next: Execution, previous: Versioned<Execution>): Promise<Versioned<Execution> | null>;
  /** Newest first; summaries (see ListedExecution): read a record for its output and whole alert. */
  list(query: ExecutionQuery): Promise<ExecutionPage>;
  recordRejectedMessage(rejected: RejectedMessage): Promise<void>;
  /** The newest rejected messages first, at most `limit`. */
  listRejectedMessages(limit: number): Promise<RejectedMessage[]>;
};

/** Moves what older versions stored elsewhere into the current layout, a bounded step at a time. */
export type IndexUpgrade = {
  /** Moves the index rows of at most `maxRecords` executions; 0 once there is nothing left to move. */
  step(maxRecords: number): Promise<number>;
};

export type RunQueue = {
  enqueue(worker: string, message: RunMessage): Promise<void>;
  /** Moves a message that can never be processed to the pool's poison queue. */
  sendToPoison(queueName: string, rawText: string): Promise<void>;
  /**
   * Up to `max` messages of the pool's poison queue, hidden from other readers for `hideSeconds`; those not
   * removed come back after it. A missing poison queue has none.
   */
  takePoisoned(worker: string, max: number, hideSeconds: number): Promise<PoisonedMessage[]>;
  /** About how many messages the pool's queue holds, those being handled included; 0 when it does not exist. */
  depth(worker: string): Promise<number>;
};

export type PoisonedMessage = {
  /** The message's body, decoded from the wire (JSON, or base64 of JSON as the Functions host reads it). */
  readonly body: unknown;
  remove(): Promise<void>;
};

/** An idempotency key as one request found it; `token` is the row's version, for conditional writes. */
export type IdempotencyClaim =
  /** This request owns the key: it records the run, then commits the key. */
  | { readonly kind: 'claimed'; readonly token: string }
  /** The run was recorded before: answer with that execution. */
  | ({ readonly kind: 'committed' } & HeldClaim)
  /** Another request has been recording it since `claimedAt`. */
  | ({ readonly kind: 'pending'; readonly claimedAt: Date } & HeldClaim);

/** A claim row: its execution, its version, and what the key was first used for (null for alert events). */
export type HeldClaim = { readonly execId: string; readonly token: string; readonly fingerprint: string | null };

/** Idempotency keys: one execution per key, whichever instance and whichever delivery asks. */
export type ClaimStore = {
  /** Atomic across instances (a conditional insert): the first caller claims the key for its execution. */
  claimKey(key: string, execId: string, now: Date, fingerprint?: string | null): Promise<IdempotencyClaim>;
  /**
   * Makes the key pending from `now` again, for the same execution, if unchanged since `claim.token`: a claimant
   * renews its own claim, or a request takes over a stale one. The new token; null when another request got there first.
   */
  renewKey(key: string, claim: HeldClaim, now: Date): Promise<string | null>;
  /** Marks the key's execution as recorded; duplicates are answered 200 from then on. */
  commitKey(key: string, execId: string): Promise<void>;
  /** Frees a key whose execution could not be recorded, if unchanged since `token`, so a retry can run it. */
  releaseKey(key: string, token: string): Promise<void>;
};

/** The largest piece an OutputLog stores as one row. */
export const MAX_PIECE_BYTES = 192 * 1024;

/** A piece of a run's (redacted) output: its bytes and where they start in the stream. */
export type OutputChunk = { readonly start: number; readonly bytes: Buffer };

/**
 * A run's output as it is written, in pieces keyed by where they end, so a reader asks for what came after an offset
 * and reads nothing it has seen. Pieces may be missing where a long output was cut (see domain/runs/output-bytes).
 */
export type OutputLog = {
  /** Writes pieces of at most MAX_PIECE_BYTES (again, if a write's answer was lost: the same piece is written over). */
  write(execId: string, chunks: readonly OutputChunk[]): Promise<void>;
  /** Removes pieces by where they end; already gone is fine. */
  remove(execId: string, ends: readonly number[]): Promise<void>;
  /** The pieces that end after `offset`, in order, about `maxBytes` of them (at least one); `more` if others follow. */
  readAfter(execId: string, offset: number, maxBytes: number): Promise<{ chunks: OutputChunk[]; more: boolean }>;
};
