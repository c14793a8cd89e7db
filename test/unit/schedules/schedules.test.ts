// Schedules: declarations checked at load, DST and time zones, and the Scheduler's due, missed and catch-up slots.
import { describe, expect, it } from 'vitest';
import { mappingDocumentSchema } from '../../../src/domain/mappings/mapping-schema';
import { dueSlot, upcomingSlots, type Schedule } from '../../../src/domain/schedules/schedule';
import type { Mapping } from '../../../src/domain/mappings/mapping';
import type { OncallDeps } from '../../../src/services/runs/admitted-execution';
import { fireSchedules, type ScheduleDeps } from '../../../src/services/schedules/fire-schedules';
import { previewRun } from '../../../src/services/runs/preview-run';
import { createFakeClaimStore } from '../../support/fakes/claim-store';
import { createFakeExecutionStore } from '../../support/fakes/execution-store';
import { createFakeMappingStore } from '../../support/fakes/mapping-store';
import { createFakeRunQueue } from '../../support/fakes/run-queue';
import { createFakeAuditLog } from '../../support/fakes/audit-log';
import { sampleMapping } from '../../support/fixtures';

const rome: Schedule = { cron: '0 30 2 * * *', timezone: 'Europe/Rome' };
const iso = (d: Date | null | undefined) => d?.toISOString();

describe('schedule declarations', () => {
  const doc = (entity: Record<string, unknown>) =>
    mappingDocumentSchema.safeParse([
      { partition_key: 'p', entity: [{ id: 'm', name: 'm', runbook: 'x.sh', ...entity }] },
    ]);
  const issue = (entity: Record<string, unknown>) => {
    const parsed = doc(entity);
    const first = parsed.error?.issues[0];
    return first ? `${first.path.slice(3).join('.')}: ${first.message}` : 'ok';
  };

  it('takes a bare expression (UTC) or one with a time zone', () => {
    expect(issue({ schedule: '0 0 3 * * *' })).toBe('ok');
    expect(issue({ schedule: { cron: '0 3 * * *', timezone: 'Europe/Rome' }, catch_up: true })).toBe('ok');
  });

  it.each([
    [{ schedule: '0 0 25 * * *' }, /^schedule.cron: Invalid NCRONTAB expression/],
    [
      { schedule: { cron: '* * * * *', timezone: 'Mars/Olympus' } },
      /^schedule.timezone: "Mars\/Olympus" is not an IANA/,
    ],
    [{ schedule_params: { A: 1 } }, /^schedule_params: only with a schedule/],
    [{ catch_up: true }, /^catch_up: only with a schedule/],
    [{ schedule: '* * * * *', params: { N: { type: 'integer', required: true } } }, /^schedule_params.N: required/],
    [{ schedule: '* * * * *', params: { S: { type: 'string', secret: true } }, schedule_params: { S: 'x' } }, /secret/],
  ])('refuses %j', (entity, message) => {
    expect(issue(entity)).toMatch(message);
  });
});

describe('slots', () => {
  it('runs a time in a skipped DST hour once, and a time in a repeated hour once', () => {
    // 29 March 2026: 02:00 → 03:00 in Rome; 25 October 2026: 03:00 → 02:00.
    expect(upcomingSlots(rome, new Date('2026-03-28T12:00:00Z'), 2).map(iso)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
    expect(upcomingSlots(rome, new Date('2026-10-24T12:00:00Z'), 2).map(iso)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('is due at its own time and until the next one', () => {
    const every5: Schedule = { cron: '*/5 * * * * *', timezone: 'UTC' };
    expect(iso(dueSlot(every5, new Date('2026-01-01T00:00:05.000Z')))).toBe('2026-01-01T00:00:05.000Z');
    expect(iso(dueSlot(every5, new Date('2026-01-01T00:00:09.999Z')))).toBe('2026-01-01T00:00:05.000Z');
  });
});

describe('the Scheduler', () => {
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const oncall = {
    admit: { budgets: {} as never, slots: {} as never, approvalsEnabled: false, approvalTtlMinutes: 60 },
    channels: () => ({ opsgenie: false, chat: false }),
    deliver: () => {
      throw new Error('nothing to deliver');
    },
    links: { execution: (id: string) => id, approvals: () => null },
    deadlineMs: 1000,
  } satisfies OncallDeps;

  function setup(mapping: Mapping) {
    let now = new Date('2026-01-01T10:00:00.000Z');
    const executions = createFakeExecutionStore();
    const deps: ScheduleDeps = {
      executions,
      queue: createFakeRunQueue(),
      clock: { now: () => now },
      log: silent,
      defaultTimeoutSeconds: 60,
      oncall,
      mappings: createFakeMappingStore([mapping]),
      claims: createFakeClaimStore(),
      graceMs: 60_000,
      firstSeen: new Map(),
      audit: { audit: createFakeAuditLog(), clock: { now: () => now } },
    };
    const at = (t: string) => {
      now = new Date(t);
      return fireSchedules(deps);
    };
    const slots = () => executions.records().map((e) => e.scheduledFor);
    return { at, slots, deps };
  }
  const hourly = (catchUp: boolean) => sampleMapping({ schedule: { cron: '0 0 * * * *', timezone: 'UTC' }, catchUp });

  it('records a due slot once, however many ticks see it', async () => {
    const { at, slots } = setup(hourly(false));
    expect(await at('2026-01-01T10:00:02Z')).toMatchObject({ scheduled: 1, started: 1 });
    expect(await at('2026-01-01T10:00:07Z')).toMatchObject({ started: 0 });
    expect(slots()).toEqual(['2026-01-01T10:00:00.000Z']);
  });

  it('does not back-fill a slot missed while down, unless catch_up runs the latest one, once', async () => {
    const plain = setup(hourly(false));
    await plain.at('2026-01-01T10:00:02Z');
    await plain.at('2026-01-01T13:30:00Z');
    expect(plain.slots()).toEqual(['2026-01-01T10:00:00.000Z']);

    const caught = setup(hourly(true));
    await caught.at('2026-01-01T10:00:02Z');
    await caught.at('2026-01-01T13:30:00Z');
    await caught.at('2026-01-01T13:30:05Z');
    expect(caught.slots()).toEqual(['2026-01-01T10:00:00.000Z', '2026-01-01T13:00:00.000Z']);
  });

  it('catches up nothing from before it first saw the mapping, and runs nothing of a disabled one', async () => {
    const late = setup(hourly(true));
    await late.at('2026-01-01T10:30:00Z');
    expect(late.slots()).toEqual([]);
    const off = setup({ ...hourly(false), enabled: false });
    expect(await off.at('2026-01-01T10:00:01Z')).toMatchObject({ scheduled: 0, started: 0 });
  });
});

describe('dry run of a scheduled mapping', () => {
  it('shows its next slots', async () => {
    const m = sampleMapping({ id: 's', schedule: { cron: '0 0 * * * *', timezone: 'UTC' } });
    const deps = {
      mappings: createFakeMappingStore([m]),
      runbooksDir: '/r',
      defaultTimeoutSeconds: 60,
      inheritedNames: [],
    };
    const preview = await previewRun(deps, { id: 's', trigger: 'manual' });
    expect(preview.nextScheduled).toHaveLength(3);
    expect(new Date(preview.nextScheduled?.[0] ?? '').getUTCMinutes()).toBe(0);
  });
});
