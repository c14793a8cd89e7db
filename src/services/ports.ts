// Ports: what the use cases need from the outside world; adapters implement them.
import type { Execution, ExecutionStatus } from '../domain/execution';
import type { Mapping } from '../domain/mapping';
import type { RunMessage } from '../domain/run-message';
import type { ProcessRunner } from '../adapters/process-types';
import type { RunbookResolution } from '../adapters/runbook-resolver';

export type MappingStore = {
  get(partition: string, id: string): Promise<Mapping | null>;
  /** A point read on the by-id index: never a scan. */
  findById(id: string): Promise<Mapping | null>;
  /** Every stored mapping: a scan, for administration only. */
  listAll(): Promise<Mapping[]>;
  upsertAll(mappings: readonly Mapping[]): Promise<void>;
  removeAll(mappings: readonly Mapping[]): Promise<void>;
};

export type Versioned<T> = { readonly value: T; readonly etag: string };

export type ExecutionQuery = {
  readonly status?: ExecutionStatus;
  readonly mappingId?: string;
  readonly since?: Date;
  readonly until?: Date;
  readonly limit: number;
  /** Continue after this execution (the last one of the previous page). */
  readonly afterExecId?: string;
};

/** lastExecId is set when more rows may follow. */
export type ExecutionPage = { readonly items: Execution[]; readonly lastExecId?: string };

export type RejectedMessage = {
  readonly queue: string;
  readonly messageId: string;
  readonly reason: string;
  readonly preview: string;
  readonly receivedAt: string;
};

export type ExecutionStore = {
  /** Inserts a new record; fails if the id exists. */
  create(execution: Execution): Promise<void>;
  get(execId: string): Promise<Versioned<Execution> | null>;
  /** Replaces the record only if its ETag still matches; null when another writer got there first. */
  replaceIf(next: Execution, previous: Versioned<Execution>): Promise<Versioned<Execution> | null>;
  remove(execId: string): Promise<void>;
  /** Newest first; summaries without output. */
  list(query: ExecutionQuery): Promise<ExecutionPage>;
  recordRejectedMessage(rejected: RejectedMessage): Promise<void>;
};

export type RunQueue = {
  enqueue(worker: string, message: RunMessage): Promise<void>;
  /** Moves a message that can never be processed to the pool's poison queue. */
  sendToPoison(queueName: string, rawText: string): Promise<void>;
};

export type Clock = { now(): Date };

export type Logger = {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

export type RunbookLocator = (runbook: string) => Promise<RunbookResolution>;

export type RunnerPorts = {
  readonly locate: RunbookLocator;
  readonly run: ProcessRunner;
};
