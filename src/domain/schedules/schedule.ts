// Schedules: when a mapping runs on its own, as an NCRONTAB expression in UTC or in an IANA time zone.
import { z } from 'zod';
import { nextOccurrence, parseNcrontab, previousOccurrence, type CronSchedule } from '../shared/ncrontab';

export type Schedule = { readonly cron: string; readonly timezone: string };

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `"0 0 3 * * *"` (UTC) or `{ "cron": "0 0 3 * * *", "timezone": "Europe/Rome" }`. */
export const scheduleSchema = z
  .union([
    z.string().max(200),
    z.strictObject({ cron: z.string().max(200), timezone: z.string().max(64).default('UTC') }),
  ])
  .transform((s): Schedule => (typeof s === 'string' ? { cron: s, timezone: 'UTC' } : s))
  .superRefine((s, ctx) => {
    if (!isTimeZone(s.timezone)) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: `"${s.timezone}" is not an IANA time zone` });
      return;
    }
    try {
      nextOccurrence(parseNcrontab(s.cron, s.timezone), new Date());
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: (err as Error).message });
    }
  })
  .describe('Runs the mapping on a clock: NCRONTAB (six fields with seconds, or five), UTC or a time zone.');

const compiled = new Map<string, CronSchedule>();

/** Parsed once per expression and zone: a scheduler asks every few seconds. */
export function compileSchedule(s: Schedule): CronSchedule {
  const key = `${s.timezone}|${s.cron}`;
  let found = compiled.get(key);
  if (!found) compiled.set(key, (found = parseNcrontab(s.cron, s.timezone)));
  return found;
}

/** The slot due at `now`: the latest occurrence at or before it (a skipped DST hour runs once, a repeated one once). */
export function dueSlot(s: Schedule, now: Date): Date | null {
  return previousOccurrence(compileSchedule(s), now);
}

/** The next `count` occurrences after `after`. */
export function upcomingSlots(s: Schedule, after: Date, count: number): Date[] {
  return compileSchedule(s).cron.nextRuns(count, after);
}
