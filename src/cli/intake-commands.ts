// `cloudo intake status | replay`: the intake queue's depth, rejected messages, and replay from its poison queue.
import { oneLine } from './terminal-text';
import { createAdminServices } from '../composition/admin-wiring';
import type { AuditActor } from '../domain/audit/audit-record';
import type { AuditEntry } from '../services/audit/audit-trail';
import { createExecutionTable } from '../adapters/runs/execution-table';
import { createIntakeQueues, type IntakeQueuePort } from '../adapters/intake/intake-queue';
import { isNotFound } from '../adapters/shared/storage-errors';
import { connect } from '../composition/admin-wiring';
import type { CloudoConfig } from '../config/load-config';
import type { ExecutionStore, RejectedMessage } from '../services/runs/ports';
import { readIntFlag, parseFlags, type FlagSpec, type Flags } from './cli-args';

export type IntakeDeps = {
  readonly queues: IntakeQueuePort;
  readonly rejected: Pick<ExecutionStore, 'listRejectedMessages'>;
  /** The queue run requests arrive on; its poison queue is `<intakeQueue>-poison`. */
  readonly intakeQueue: string;
  readonly print: (line: string) => void;
  /** Writes the replay's audit record before anything moves (nothing moves if it cannot be written). */
  readonly audit: (entry: AuditEntry) => Promise<void>;
  /** Who replays: the account the CLI runs as, holding the storage credentials. */
  readonly actor: AuditActor;
};

type IntakeVerb = { readonly flags: FlagSpec; readonly run: (flags: Flags, deps: IntakeDeps) => Promise<number> };

export const STATUS_FLAGS: FlagSpec = { '--limit': { kind: 'value' } };
export const REPLAY_FLAGS: FlagSpec = { '--max': { kind: 'value' }, '--dry-run': { kind: 'switch' } };

const VERBS: Readonly<Record<string, IntakeVerb>> = {
  status: { flags: STATUS_FLAGS, run: showIntakeStatus },
  replay: { flags: REPLAY_FLAGS, run: replayIntake },
};

export const INTAKE_VERBS: readonly string[] = Object.keys(VERBS);

const PREVIEW_CHARS = 120;
/** What peek can show at once. */
const PEEK_LIMIT = 32;

/** Throws UsageError for a command line the verb cannot run, before `deps` reads any setting or connects. */
export async function runIntake(
  verb: string,
  args: readonly string[],
  deps: IntakeDeps | (() => IntakeDeps),
): Promise<number> {
  const command = VERBS[verb];
  if (!command) throw new Error(`not an intake verb: ${verb}`);
  const flags = parseFlags(args, command.flags);
  return command.run(flags, typeof deps === 'function' ? deps() : deps);
}

/** The configured storage account's queues and executions table. */
export function createIntakeDeps(config: CloudoConfig): IntakeDeps {
  const clients = connect(config);
  return {
    queues: createIntakeQueues(clients.queues),
    rejected: createExecutionTable(clients.executions),
    intakeQueue: config.intakeQueue,
    print: (line) => console.log(line),
    audit: (entry) => createAdminServices(config, clients).audit(entry),
    actor: {
      kind: 'person',
      id: `cli:${config.auth.localUser}`,
      name: `${config.auth.localUser} (cloudo intake replay)`,
    },
  };
}

export async function showIntakeStatus(flags: Flags, deps: IntakeDeps): Promise<number> {
  const limit = readIntFlag(flags, 'limit', 1, 1000, 20);
  const poison = poisonOf(deps.intakeQueue);
  const [intakeDepth, poisonDepth, rejected] = await Promise.all([
    deps.queues.depth(deps.intakeQueue),
    deps.queues.depth(poison),
    listRejected(deps, limit),
  ]);
  deps.print(`intake queue ${deps.intakeQueue}: ${describeDepth(intakeDepth)}`);
  deps.print(`poison queue ${poison}: ${describeDepth(poisonDepth)}`);
  if (rejected.length === 0) {
    deps.print('rejected messages: none recorded');
    return 0;
  }
  deps.print(`rejected messages (newest ${rejected.length}):`);
  for (const r of rejected) {
    deps.print(`  ${r.receivedAt}  ${r.queue}  ${r.messageId}  ${oneLine(r.reason)}  ${preview(r.preview)}`);
  }
  return 0;
}

export async function replayIntake(flags: Flags, deps: IntakeDeps): Promise<number> {
  const max = readIntFlag(flags, 'max', 1, 10_000, 32);
  const poison = poisonOf(deps.intakeQueue);
  if (flags.switches.has('dry-run')) return dryRun(deps, poison, max);
  await deps.audit({
    actor: deps.actor,
    action: 'queue.replayed',
    outcome: 'replaying',
    detail: { from: poison, to: deps.intakeQueue, max },
  });
  const report = await deps.queues.moveBatch(poison, deps.intakeQueue, max);
  for (const f of report.failed) deps.print(`failed ${f.messageId}: ${oneLine(f.error)}`);
  const failures = report.failed.length > 0 ? `; ${report.failed.length} failed and stay in ${poison}` : '';
  deps.print(`replayed ${report.moved} ${plural(report.moved)} from ${poison} to ${deps.intakeQueue}${failures}`);
  return report.failed.length > 0 ? 1 : 0;
}

async function dryRun(deps: IntakeDeps, poison: string, max: number): Promise<number> {
  const [depth, peeked] = await Promise.all([deps.queues.depth(poison), deps.queues.peek(poison, max)]);
  for (const m of peeked) deps.print(`  ${m.messageId}  dequeued ${m.dequeueCount}x  ${preview(m.text)}`);
  const count = Math.min(max, depth ?? 0);
  const shown =
    count > peeked.length ? ` (showing the first ${peeked.length}; peek returns at most ${PEEK_LIMIT})` : '';
  deps.print(
    `dry run: would replay ${count} ${plural(count)} from ${poison} to ${deps.intakeQueue}${shown}; nothing moved`,
  );
  return 0;
}

async function listRejected(deps: IntakeDeps, limit: number): Promise<RejectedMessage[]> {
  try {
    return await deps.rejected.listRejectedMessages(limit);
  } catch (err) {
    // No executions table yet means nothing was ever rejected.
    if (isNotFound(err)) return [];
    throw err;
  }
}

const poisonOf = (queue: string): string => `${queue}-poison`;

const plural = (n: number): string => (n === 1 ? 'message' : 'messages');

function describeDepth(depth: number | null): string {
  return depth === null ? '0 messages (not created yet)' : `~${depth} ${plural(depth)}`;
}

/** One line of at most PREVIEW_CHARS characters, marked when cut. */
export function preview(text: string): string {
  const flat = oneLine(text);
  return flat.length <= PREVIEW_CHARS ? flat : `${flat.slice(0, PREVIEW_CHARS - 1)}…`;
}
