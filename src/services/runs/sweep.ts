// The Sweeper's round: lost runs ended, stranded and poisoned runs sent again, old sender data pruned.
import { drainPoisonedRuns, redeliverStranded } from './redeliver-runs';
import {
  pruneAudit,
  pruneExpired,
  sweepLostExecutions,
  upgradeAudit,
  upgradeIndex,
  type SweepDeps,
} from './sweep-executions';

export type SweepReport = {
  /** Runs `running` past their deadline, marked `error`. */
  readonly lost: number;
  /** Runs still `queued` whose message was sent again, or that were given up. */
  readonly stranded: number;
  /** Poison-queue messages settled: their run sent again, given up, or already over. */
  readonly poisoned: number;
  readonly pruned: number;
  /** Steps that failed (storage down): the next round tries them again. */
  readonly failed: number;
};

/** Runs every step, each on its own: a queue outage must not keep lost runs from being ended, nor the reverse. */
export async function runSweep(deps: SweepDeps): Promise<SweepReport> {
  let failed = 0;
  const step = async (name: string, fn: (deps: SweepDeps) => Promise<number>): Promise<number> => {
    try {
      return await fn(deps);
    } catch (err) {
      failed++;
      deps.log.warn(`sweep: ${name} failed, left for the next round: ${String(err)}`);
      return 0;
    }
  };
  // Before the steps that list runs: after an upgrade, runs recorded before it are listed once moved.
  await step('index upgrade', upgradeIndex);
  const lost = await step('lost runs', sweepLostExecutions);
  const stranded = await step('stranded runs', redeliverStranded);
  const poisoned = await step('poison queues', drainPoisonedRuns);
  const pruned = (await step('retention', pruneExpired)) + (await step('audit retention', pruneAudit));
  await step('audit layout', upgradeAudit);
  return { lost, stranded, poisoned, pruned, failed };
}
