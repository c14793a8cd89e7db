// The schedules: each scheduled mapping with its next due times and its last scheduled run.
import { findRefusal } from '../../domain/alerts/alert-decision';
import type { Schedule } from '../../domain/schedules/schedule';
import { upcomingSlots } from '../../domain/schedules/schedule';
import type { MappingStore } from '../mappings/ports';
import type { ListedExecution } from '../../domain/runs/execution';
import type { Mapping } from '../../domain/mappings/mapping';
import type { ExecutionStore } from '../runs/ports';
import { runAllBounded } from '../shared/bounded-all';

export type ScheduleListDeps = { readonly mappings: MappingStore; readonly executions: ExecutionStore };

export type ScheduleView = {
  readonly mapping: { readonly partition_key: string; readonly id: string; readonly name: string };
  readonly schedule: Schedule;
  readonly enabled: boolean;
  readonly catch_up: boolean;
  /** The next due slots (ISO-8601 UTC); none for a disabled mapping. */
  readonly next: readonly string[];
  readonly lastRun: {
    readonly execId: string;
    readonly status: string;
    readonly scheduledFor: string | null;
  } | null;
};

const NEXT = 3;
// A listing by mapping reads the mapping's newest runs and keeps the scheduled ones: runs by hand or by alert in
// between can fill a page. This many pages of this many runs are read back at most; past them, no last run is shown.
const PAGES = 4;
const PAGE = 50;

export async function listSchedules(deps: ScheduleListDeps, now: Date): Promise<ScheduleView[]> {
  const scheduled = (await deps.mappings.listCandidates()).filter((m) => m.schedule !== null);
  const views = await runAllBounded(
    scheduled.map((m) => async (): Promise<ScheduleView> => {
      const schedule = m.schedule as Schedule;
      const enabled = findRefusal(m) === null;
      const run = await lastScheduledRun(deps.executions, m);
      return {
        mapping: { partition_key: m.partition, id: m.id, name: m.name },
        schedule,
        enabled,
        catch_up: m.catchUp,
        next: enabled ? upcomingSlots(schedule, now, NEXT).map((d) => d.toISOString()) : [],
        lastRun: run ? { execId: run.execId, status: run.status, scheduledFor: run.scheduledFor ?? null } : null,
      };
    }),
    4,
  );
  return views.sort((a, b) => (a.next[0] ?? '~').localeCompare(b.next[0] ?? '~'));
}

/** The newest scheduled run of the mapping among its newest PAGES × PAGE runs, else null. */
async function lastScheduledRun(executions: ExecutionStore, m: Mapping): Promise<ListedExecution | null> {
  let afterExecId: string | undefined;
  for (let page = 0; page < PAGES; page++) {
    const query = { mappingId: m.id, trigger: 'schedule', limit: PAGE } as const;
    const found = await executions.list(afterExecId ? { ...query, afterExecId } : query);
    const run = found.items.find((e) => e.partition === m.partition);
    if (run) return run;
    if (!found.lastExecId) return null;
    afterExecId = found.lastExecId;
  }
  return null;
}
