// NCRONTAB schedules as the timer trigger reads them, in UTC: the dialect checked and translated here, parsed and
// scheduled by croner.
import { Cron } from 'croner';

export type CronFieldName = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'day-of-week';

export type CronSchedule = {
  readonly expression: string;
  /** The same schedule in croner's syntax (names as numbers, ranges in order, `a/n` as `a-max/n`). */
  readonly cron: Cron;
};

type FieldSpec = {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
};

const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const WEEKDAYS = 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' ');

const SPECS: Readonly<Record<CronFieldName, FieldSpec>> = {
  second: { name: 'second', min: 0, max: 59 },
  minute: { name: 'minute', min: 0, max: 59 },
  hour: { name: 'hour', min: 0, max: 23 },
  day: { name: 'day', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTHS },
  'day-of-week': { name: 'day-of-week', min: 0, max: 6, names: WEEKDAYS },
};

const ORDER: readonly CronFieldName[] = ['second', 'minute', 'hour', 'day', 'month', 'day-of-week'];

/**
 * Parses `{second} {minute} {hour} {day} {month} {day-of-week}` with `*`, lists, ranges, `/` steps and English
 * month/weekday names (any case-insensitive prefix, first match wins, as NCrontab does). Like the timer extension,
 * a 5-field expression is accepted too and fires at second 0. Day and day-of-week must both match (NCrontab, unlike
 * Vixie cron's "either"). Errors name the field, in NCrontab's terms, before croner sees the expression.
 */
export function parseNcrontab(expression: string, timezone = 'UTC'): CronSchedule {
  const tokens = expression.trim().split(/\s+/);
  if (tokens.length === 5) tokens.unshift('0');
  if (tokens.length !== 6) {
    throw invalid(
      expression,
      'expected 6 fields {second} {minute} {hour} {day} {month} {day-of-week} (or 5 without seconds)',
    );
  }
  const translated = ORDER.map((name, index) => {
    try {
      return translateField(tokens[index] ?? '', SPECS[name]);
    } catch (error) {
      throw invalid(expression, `${name} field "${tokens[index]}": ${(error as Error).message}`);
    }
  });
  try {
    return { expression, cron: new Cron(translated.join(' '), { timezone, domAndDow: true }) };
  } catch (error) {
    throw invalid(expression, (error as Error).message);
  }
}

/** The latest occurrence at or before `at`, or null when there is none. */
export function previousOccurrence(schedule: CronSchedule, at: Date): Date | null {
  return schedule.cron.previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}

/** The first occurrence strictly after `after` (whole seconds); throws if the schedule can never fire. */
export function nextOccurrence(schedule: string | CronSchedule, after: Date): Date {
  const { expression, cron } = typeof schedule === 'string' ? parseNcrontab(schedule) : schedule;
  const next = cron.nextRun(after);
  if (next === null) throw invalid(expression, 'it never fires (no date matches its day, month and day-of-week)');
  return next;
}

/** One field in croner's syntax: every value checked against NCrontab's bounds and names. */
function translateField(token: string, spec: FieldSpec): string {
  return token
    .split(',')
    .map((part) => {
      if (part === '') throw new Error('empty list element');
      const [range = '', stepText, ...extra] = part.split('/');
      if (extra.length > 0) throw new Error(`"${part}" has more than one "/"`);
      // NCrontab treats a step of 0 as 1, so the host accepts "*/0"; mirror it rather than reject.
      const step = stepText === undefined ? null : Math.max(1, parseNumber(stepText, 'step'));
      const [first, last] = parseRange(range, spec, step !== null);
      // A step over one value is that value: croner refuses "59/5" and "3-3/2", NCrontab fires at 59 and 3.
      if (first === last) return String(first);
      const span = range === '*' ? '*' : `${first}-${last}`;
      return step === null ? span : `${span}/${step}`;
    })
    .join(',');
}

function parseRange(range: string, spec: FieldSpec, stepped: boolean): [number, number] {
  if (range === '*') return [spec.min, spec.max];
  const bounds = range.split('-');
  if (bounds.length > 2) throw new Error(`"${range}" is not a value or a range`);
  const [a, b] = bounds.map((text) => parseValue(text, spec));
  if (a === undefined) throw new Error('empty value');
  // "a/n" means a through the maximum in steps of n; reversed ranges are swapped, as NCrontab does.
  if (b === undefined) return [a, stepped ? spec.max : a];
  return a <= b ? [a, b] : [b, a];
}

function parseValue(text: string, spec: FieldSpec): number {
  const value = /^[a-z]+$/i.test(text) ? parseName(text, spec) : parseNumber(text, 'value');
  if (value < spec.min || value > spec.max) {
    throw new Error(`${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

function parseName(text: string, spec: FieldSpec): number {
  const index = spec.names?.findIndex((name) => name.toLowerCase().startsWith(text.toLowerCase())) ?? -1;
  if (index < 0) {
    const known = spec.names === undefined ? 'only numbers are allowed' : `use one of ${spec.names.join(', ')}`;
    throw new Error(`"${text}" is not a known name; ${known}`);
  }
  return index + spec.min;
}

function parseNumber(text: string, what: string): number {
  if (!/^\d{1,4}$/.test(text)) throw new Error(`${what} "${text}" is not a number`);
  return Number(text);
}

function invalid(expression: string, detail: string): Error {
  return new Error(`Invalid NCRONTAB expression "${expression}": ${detail}`);
}
