// Unit tests for NCRONTAB parsing and scheduling, and for the timer trigger emulation built on it.
import type { Timer } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { nextOccurrence, parseNcrontab } from '../../../src/domain/shared/ncrontab';
import { startTimer } from '../../../src/local/timer-scheduler';
import type { TimerHandle, TimerOptions } from '../../../src/local/timer-scheduler';

const next = (expression: string, after: string): string => nextOccurrence(expression, new Date(after)).toISOString();

describe('nextOccurrence', () => {
  it('returns the first match strictly after the given time, in whole seconds', () => {
    expect(next('*/15 * * * * *', '2024-05-01T12:00:07.500Z')).toBe('2024-05-01T12:00:15.000Z');
    expect(next('0 * * * * *', '2024-05-01T12:00:00.000Z')).toBe('2024-05-01T12:01:00.000Z');
    expect(next('* * * * * *', '2024-05-01T12:00:00.999Z')).toBe('2024-05-01T12:00:01.000Z');
  });

  it('handles lists, ranges, steps on ranges and "start/step"', () => {
    expect(next('0 0 8-18/4 * * *', '2024-05-01T12:00:00Z')).toBe('2024-05-01T16:00:00.000Z');
    expect(next('0 5,35 * * * *', '2024-05-01T12:06:00Z')).toBe('2024-05-01T12:35:00.000Z');
    expect(next('10/20 * * * * *', '2024-05-01T12:00:31Z')).toBe('2024-05-01T12:00:50.000Z');
    expect(next('59/5 * * * * *', '2024-05-01T12:00:31Z')).toBe('2024-05-01T12:00:59.000Z');
    expect(next('3-3/2 * * * * *', '2024-05-01T12:00:31Z')).toBe('2024-05-01T12:01:03.000Z');
  });

  it('rolls over days, months and years', () => {
    expect(next('0 30 9 * * 1-5', '2024-03-01T10:00:00Z')).toBe('2024-03-04T09:30:00.000Z'); // Fri -> Mon
    expect(next('0 0 0 1 1 *', '2024-12-31T23:59:59Z')).toBe('2025-01-01T00:00:00.000Z');
    expect(next('0 0 12 29 2 *', '2024-03-01T00:00:00Z')).toBe('2028-02-29T12:00:00.000Z');
    expect(next('0 0 0 31 * *', '2024-04-01T00:00:00Z')).toBe('2024-05-31T00:00:00.000Z');
  });

  it('requires both day and day-of-week to match, as NCrontab does', () => {
    expect(next('0 0 0 13 * Fri', '2024-01-01T00:00:00Z')).toBe('2024-09-13T00:00:00.000Z');
  });

  it('accepts month and weekday names by case-insensitive prefix', () => {
    expect(next('0 0 0 1 jan,JULY *', '2024-02-10T00:00:00Z')).toBe('2024-07-01T00:00:00.000Z');
    expect(next('0 0 6 * * Sun', '2024-05-01T00:00:00Z')).toBe('2024-05-05T06:00:00.000Z');
  });

  it('swaps reversed ranges and treats a 5-field expression as second 0, like the host', () => {
    expect(next('0 0 0 * * 5-1', '2024-03-02T00:00:00Z')).toBe('2024-03-04T00:00:00.000Z');
    expect(next('*/5 * * * *', '2024-05-01T12:01:30Z')).toBe('2024-05-01T12:05:00.000Z');
  });
});

describe('parseNcrontab errors', () => {
  const cases: [string, RegExp][] = [
    ['* * *', /expected 6 fields/],
    ['* * * * * * *', /expected 6 fields/],
    ['0 0 24 * * *', /hour field "24": 24 is outside 0-23/],
    ['0 0 0 0 * *', /day field "0"/],
    ['0 0 0 * 13 *', /month field "13"/],
    ['0 0 0 * * 7', /day-of-week field "7"/],
    ['0 0 0 * * Funday', /not a known name/],
    ['x * * * * *', /second field "x"/],
    ['1,,2 * * * * *', /empty list element/],
    ['*/x * * * * *', /step "x" is not a number/],
    ['1-2-3 * * * * *', /not a value or a range/],
  ];
  it.each(cases)('rejects %s', (expression, message) => {
    expect(() => parseNcrontab(expression)).toThrow(message);
    expect(() => parseNcrontab(expression)).toThrow(/Invalid NCRONTAB expression/);
  });

  it('rejects a schedule that can never fire', () => {
    expect(() => nextOccurrence('0 0 0 30 2 *', new Date('2024-01-01T00:00:00Z'))).toThrow(/never fires/);
  });
});

describe('startTimer', () => {
  const timers: TimerHandle[] = [];
  const lines: string[] = [];
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const waitFor = async (what: string, probe: () => boolean): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${lines.join('\n')}`);
      await sleep(50);
    }
  };
  const start = (options: Omit<TimerOptions, 'functionName' | 'log'>): TimerHandle => {
    const timer = startTimer({ functionName: 'tick', log: (line) => lines.push(line), ...options });
    timers.push(timer);
    return timer;
  };

  afterEach(async () => {
    await Promise.all(timers.splice(0).map((timer) => timer.stop()));
  });

  it('throws at once for an invalid schedule', () => {
    expect(() => start({ schedule: '0 0 25 * * *', handler: async () => undefined })).toThrow(/hour field/);
  });

  it('passes a Timer shaped like @azure/functions and carries the last run into the next', async () => {
    const seen: Timer[] = [];
    start({ schedule: '* * * * * *', handler: async (timer) => void seen.push(timer) });
    await waitFor('two runs', () => seen.length >= 2);
    const [first, second] = seen;
    expect(first).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true } });
    expect(first?.scheduleStatus.last).toBe('0001-01-01T00:00:00.000Z');
    // Like the host, `last` is when the previous run actually started: at or just after its scheduled time.
    const lastRun = Date.parse(second?.scheduleStatus.last ?? '');
    expect(lastRun).toBeGreaterThanOrEqual(Date.parse(first?.scheduleStatus.next ?? ''));
    expect(second?.scheduleStatus.lastUpdated).toBe(second?.scheduleStatus.last);
    expect(Date.parse(second?.scheduleStatus.next ?? '')).toBeGreaterThan(lastRun);
  });

  it('skips occurrences while a run is still going instead of stacking them', async () => {
    let running = 0;
    let peak = 0;
    let runs = 0;
    start({
      schedule: '* * * * * *',
      handler: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(2_200);
        running -= 1;
        runs += 1;
      },
    });
    await waitFor('two completed runs', () => runs >= 2);
    expect(peak).toBe(1);
    expect(lines.some((line) => line.includes('skipped'))).toBe(true);
  });

  it('runs on startup when asked, keeps going after failures, and stop() waits for the run', async () => {
    let calls = 0;
    let finished = false;
    const timer = start({
      schedule: '0 0 0 1 1 *',
      runOnStartup: true,
      handler: async () => {
        calls += 1;
        await sleep(500);
        finished = true;
        throw new Error('runbook failed');
      },
    });
    await waitFor('the startup run', () => calls === 1);
    await timer.stop();
    expect(finished).toBe(true);
    expect(lines.some((line) => line.includes('failed') && line.includes('runbook failed'))).toBe(true);
  });
});
