// Overview ports: counts read cheaply from the indexes (runs in a time window, runs in a status) and queue depths.
import type { ExecutionStatus } from '../../domain/runs/execution-status';

/** A count that stopped at its cap: `capped` says more rows were there. */
export type Tally = { readonly count: number; readonly capped: boolean };

export type RunCensus = {
  /** How many runs requested since `since` are in each status, reading at most `cap` rows of the time index. */
  statusesSince(
    since: Date,
    cap: number,
  ): Promise<{ readonly byStatus: Partial<Record<ExecutionStatus, number>>; readonly capped: boolean }>;
  /** How many runs the status index holds now, at most `cap`. */
  countWithStatus(status: ExecutionStatus, cap: number): Promise<Tally>;
};

/** About how many messages each poison queue holds (a missing queue holds none). */
export type PoisonCensus = {
  depths(): Promise<{ readonly name: string; readonly count: number }[]>;
};
