// Re-delivery: queued runs whose message never reached a worker, or was poisoned, are sent again or given up.
import { runMessageSchema } from '../../domain/runs/run-message';
import { countRequeue, nextRedeliveryStep } from '../../domain/runs/redelivery';
import type { Execution, ListedExecution } from '../../domain/runs/execution';
import type { PoisonedMessage } from './ports';
import type { Versioned } from '../shared/ports';
import { endAsError, type SweepDeps } from './sweep-executions';
import { forEachWithStatus } from './status-walk';

export type Redelivered = 'requeued' | 'given_up' | 'unchanged';

/**
 * Sends again the message of every run still `queued` after its wait; a second message is harmless, because the
 * worker's ETag claim runs an execution once whatever number of messages name it.
 */
export async function redeliverStranded(deps: SweepDeps): Promise<number> {
  const now = deps.clock.now();
  // Sent no earlier than requested: a run younger than the first wait needs nothing yet.
  const until = new Date(now.getTime() - deps.requeueAfterSeconds * 1000);
  const visit = async (e: ListedExecution): Promise<boolean> => {
    if (nextRedeliveryStep(e, now, deps.requeueAfterSeconds).kind === 'wait') return false;
    const current = await deps.executions.get(e.execId);
    return current !== null && (await redeliver(deps, current, false)) !== 'unchanged';
  };
  return forEachWithStatus(deps.executions, 'queued', until, visit, deps);
}

/** One run, found queued: count a re-delivery and send its message, or end it as never delivered. */
export async function redeliver(
  deps: SweepDeps,
  current: Versioned<Execution>,
  poisoned: boolean,
): Promise<Redelivered> {
  const e = current.value;
  let step = nextRedeliveryStep(e, deps.clock.now(), deps.requeueAfterSeconds, { poisoned });
  // Before giving a run up: a queue still holding messages may hold its message too, behind the others.
  if (step.kind === 'give_up' && !poisoned && (await deps.queue.depth(e.worker)) > 0)
    step = nextRedeliveryStep(e, deps.clock.now(), deps.requeueAfterSeconds, { backlog: true });
  if (step.kind === 'wait') return 'unchanged';
  if (step.kind === 'give_up') {
    const ended = await endAsError(deps, current, step.reason);
    if (ended) deps.log.error(`${e.execId}: ${step.reason}; marked error`);
    return ended ? 'given_up' : 'unchanged';
  }
  // Sent first, counted after: a queue outage must not use up the run's re-deliveries. A message too many (a race
  // with another sweeper, or a crash before counting) is harmless: the worker's claim runs the execution once.
  await deps.queue.enqueue(e.worker, { v: 1, execId: e.execId });
  // Conditional, and a miss is fine: a worker may have claimed the run already.
  await deps.executions.replaceIf(countRequeue(e, deps.clock.now()), current);
  if (e.waiting) deps.log.info(`${e.execId}: in line for a concurrency slot; message sent again in case it was lost`);
  else deps.log.warn(`${e.execId}: still queued${poisoned ? ', its message poisoned' : ''}; message sent again`);
  return 'requeued';
}

const POISON_BATCH = 32;
// A message this sweep cannot settle (storage down, not a run message) is left alone for this long.
const HIDE_SECONDS = 600;

/** Each pool's poison queue: runs still queued are sent again; messages of runs that moved on are dropped. */
export async function drainPoisonedRuns(deps: SweepDeps): Promise<number> {
  let settled = 0;
  for (const pool of deps.pools) {
    for (const message of await deps.queue.takePoisoned(pool, POISON_BATCH, HIDE_SECONDS)) {
      if (await settlePoisoned(deps, pool, message)) settled++;
    }
  }
  return settled;
}

async function settlePoisoned(deps: SweepDeps, pool: string, message: PoisonedMessage): Promise<boolean> {
  const parsed = runMessageSchema.safeParse(message.body);
  // Not a run message (the worker put it here itself, and recorded why): a person's to look at, not ours.
  if (!parsed.success) return false;
  const current = await deps.executions.get(parsed.data.execId);
  if (!current) return false;
  if (current.value.status === 'queued') {
    if ((await redeliver(deps, current, true)) === 'unchanged') return false;
  } else {
    deps.log.info(`${parsed.data.execId}: poisoned message dropped from ${pool}; the run is ${current.value.status}`);
  }
  await message.remove();
  return true;
}
