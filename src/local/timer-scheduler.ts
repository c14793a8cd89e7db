// Emulates the timer trigger: fires a handler on an NCRONTAB schedule, never two runs of one function at once.
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { InvocationContext } from '@azure/functions';
import type { LogLevel, Timer } from '@azure/functions';
import { fromHostLevel, type LogLevel as ConsoleLevel } from './console-log';
import { nextOccurrence, parseNcrontab } from '../domain/shared/ncrontab';
import type { CronSchedule } from '../domain/shared/ncrontab';

export type TimerOptions = {
  readonly functionName: string;
  /** NCRONTAB expression, already resolved if it was a %SETTING% binding expression. */
  readonly schedule: string;
  readonly runOnStartup?: boolean;
  readonly handler: (timer: Timer, context: InvocationContext) => Promise<unknown>;
  /** Host-style progress lines; `debug` is per-run chatter a console may leave out. */
  readonly log: (line: string, level?: ConsoleLevel) => void;
  readonly now?: () => Date;
};

export type TimerHandle = {
  /** Cancels future runs and resolves once a run in progress has finished. */
  stop(): Promise<void>;
};

type Status = Timer['scheduleStatus'];
type FireReason = 'schedule' | 'startup';

// What the host reports as `last`/`lastUpdated` before the first run (DateTime.MinValue).
const NEVER = '0001-01-01T00:00:00.000Z';
// setTimeout overflows above 2^31-1 ms (~24.8 days); longer waits are chained.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Starts the schedule; throws at once if the expression is invalid or can never fire. */
export function startTimer(options: TimerOptions): TimerHandle {
  const runner = new TimerRunner(options);
  if (options.runOnStartup === true) runner.fire('startup', null);
  runner.arm();
  options.log(`timer "${options.schedule}" (UTC), next run at ${runner.nextRun()}`);
  return { stop: () => runner.stop() };
}

class TimerRunner {
  private readonly schedule: CronSchedule;
  private readonly now: () => Date;
  private scheduled: Date;
  private status: Status;
  private running: Promise<void> | null = null;
  private stopped = false;
  private timeout: NodeJS.Timeout | undefined;

  constructor(private readonly options: TimerOptions) {
    this.now = options.now ?? (() => new Date());
    this.schedule = parseNcrontab(options.schedule);
    this.scheduled = nextOccurrence(this.schedule, this.now());
    this.status = { last: NEVER, next: this.scheduled.toISOString(), lastUpdated: NEVER };
  }

  nextRun(): string {
    return this.scheduled.toISOString();
  }

  arm(): void {
    if (this.stopped) return;
    const wait = this.scheduled.getTime() - this.now().getTime();
    const callback = wait > MAX_TIMEOUT_MS ? () => this.arm() : () => this.onDue();
    this.timeout = setTimeout(callback, Math.max(0, Math.min(wait, MAX_TIMEOUT_MS)));
  }

  fire(reason: FireReason, due: Date | null): void {
    if (this.stopped) return;
    const { log } = this.options;
    if (this.running !== null) {
      log(`timer occurrence ${due?.toISOString() ?? reason} skipped: previous run still in progress`, 'warn');
      return;
    }
    // A timer that fires a little early still counts as the occurrence it was set for, as in the host.
    const ranAt = (due !== null && due > this.now() ? due : this.now()).toISOString();
    const timer: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { ...this.status } };
    this.running = invoke(this.options, timer, reason).finally(() => {
      this.status = { last: ranAt, next: this.scheduled.toISOString(), lastUpdated: ranAt };
      this.running = null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timeout);
    await this.running;
  }

  private onDue(): void {
    const due = this.scheduled;
    // Never compute the next occurrence from a clock that lags the one just due, or it would fire twice.
    this.scheduled = nextOccurrence(this.schedule, new Date(Math.max(this.now().getTime(), due.getTime())));
    this.fire('schedule', due);
    this.arm();
  }
}

async function invoke(options: TimerOptions, timer: Timer, reason: FireReason): Promise<void> {
  const { functionName, log } = options;
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName,
    logHandler: (level: LogLevel, ...args: unknown[]) => log(format(...args), fromHostLevel(level)),
    options: { trigger: { type: 'timerTrigger', name: 'timer', schedule: options.schedule } },
  });
  log(`executing (${reason === 'startup' ? 'runOnStartup' : 'timer'}, id ${context.invocationId})`, 'debug');
  try {
    await options.handler(timer, context);
    log(`succeeded (id ${context.invocationId})`, 'debug');
  } catch (error) {
    // Like the host, a failed run is logged and the schedule carries on.
    log(`failed (id ${context.invocationId}): ${format(error)}`, 'error');
  }
}
