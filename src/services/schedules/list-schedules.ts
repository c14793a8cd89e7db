// The schedules: each scheduled mapping with its next due times and its last scheduled run.
import { findRefusal } from '../../domain/alerts/alert-decision';
import type { Schedule } from '../../domain/schedules/schedule';
import { upcomingSlots } from '../../domain/schedules/schedule';
import type { MappingStore } from '../mappings/ports';
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

export async function listSchedules(deps: ScheduleListDeps, now: Date): Promise<ScheduleView[]> {
  const scheduled = (await deps.mappings.listCandidates()).filter((m) => m.schedule !== null);
  const views = await runAllBounded(
    scheduled.map((m) => async (): Promise<ScheduleView> => {
      const schedule = m.schedule as Schedule;
      const enabled = findRefusal(m) === null;
      const last = await deps.executions.list({ mappingId: m.id, trigger: 'schedule', limit: 1 });
      const run = last.items.find((e) => e.partition === m.partition) ?? null;
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
