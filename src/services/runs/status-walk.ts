// The Sweeper's walk of the runs in one live status: the newest every round, the older ones on from round to round.
import { execRowKey } from '../../domain/runs/exec-id';
import type { ListedExecution } from '../../domain/runs/execution';
import type { ExecutionStatus } from '../../domain/runs/execution-status';
import type { Logger } from '../shared/ports';
import type { ExecutionStore } from './ports';

/** Per status, the last run a round visited, when it stopped at its page limit with older runs left. */
export type SweepCursors = Map<ExecutionStatus, string>;

const PAGE = 200;
// Every round looks at the newest runs first, then goes on through the older ones from where the last round stopped.
const NEWEST_PAGES = 5;
const OLDER_PAGES = 5;
// Failures one after another mean storage is down, not one bad run: the round stops, to be tried again.
const FAILURES_IN_A_ROW = 10;

/**
 * Calls `visit` for executions in `status` requested before `until`, newest first, up to 10 pages a round: the
 * status indexes hold only live work, and `until` leaves out runs too young to need anything (an id's time is its
 * request time). The newest 1,000 are visited every round; past them, a round goes on from where the last one
 * stopped (`resumeAt`), back to the newest once it reaches the oldest, so a backlog longer than a round is visited
 * whole over rounds, its oldest runs (the likeliest to have lost their message) included. A run whose visit fails is
 * logged and passed over, so it cannot pin the walk; a round that fails keeps the place the last one reached.
 */
export async function forEachWithStatus(
  executions: ExecutionStore,
  status: ExecutionStatus,
  until: Date,
  visit: (e: ListedExecution) => Promise<boolean>,
  opts: { readonly resumeAt?: SweepCursors | undefined; readonly log: Logger },
): Promise<number> {
  const { resumeAt, log } = opts;
  let inARow = 0;
  const visitOne = async (e: ListedExecution): Promise<boolean> => {
    try {
      const done = await visit(e);
      inARow = 0;
      return done;
    } catch (err) {
      if (++inARow >= FAILURES_IN_A_ROW) throw err;
      log.warn(`sweep: ${e.execId} (${status}) not looked at, left for the next round: ${String(err)}`);
      return false;
    }
  };
  const walk = async (from: string | undefined, pages: number) => {
    let count = 0;
    let after = from;
    for (let page = 0; page < pages; page++) {
      const result = await executions.list({ status, until, limit: PAGE, ...(after ? { afterExecId: after } : {}) });
      for (const e of result.items) if (await visitOne(e)) count++;
      after = result.lastExecId;
      if (!after) break;
    }
    return { count, after };
  };
  const newest = await walk(undefined, resumeAt ? NEWEST_PAGES : NEWEST_PAGES + OLDER_PAGES);
  if (!resumeAt) return newest.count;
  const cursor = resumeAt.get(status);
  if (!newest.after) {
    resumeAt.delete(status);
    return newest.count;
  }
  // Row keys grow as ids get older: go on from the cursor only where it is past what the newest pages covered.
  const from = cursor !== undefined && execRowKey(cursor) > execRowKey(newest.after) ? cursor : newest.after;
  const older = await walk(from, OLDER_PAGES);
  if (older.after) resumeAt.set(status, older.after);
  else resumeAt.delete(status);
  return newest.count + older.count;
}
