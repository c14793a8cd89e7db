// Runs one interpreter process without a shell: bounded interleaved output, timeout, and process-group cleanup.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createBoundedOutput } from '../domain/bounded-output';
import type { BoundedOutput } from '../domain/bounded-output';
import { openOutputChannel } from './output-channel';
import type { OutputChannel } from './output-channel';
import type { ProcessOutcome, ProcessOutcomeKind, ProcessRunner, ProcessSpec } from './process-types';

/** After the main process exits, how long to wait for escaped descendants (e.g. setsid) to close the output channel. */
const DRAIN_CAP_MS = 2_000;
/** After SIGKILL on timeout, how long to wait for the exit event before giving up on it (e.g. uninterruptible I/O). */
const POST_KILL_CAP_MS = 5_000;
// setTimeout fires immediately for delays above 2^31-1 ms, which would turn a "never" timeout into "at once".
const MAX_TIMER_MS = 2_147_483_647;

type Settle = (outcome: ProcessOutcome) => void;

export const runProcess: ProcessRunner = async (spec) => {
  const startedAt = performance.now();
  let output: BoundedOutput;
  try {
    output = createBoundedOutput(spec.maxOutputBytes);
  } catch (err: unknown) {
    return spawnFailed(startedAt, `cannot start ${spec.file}: ${errorText(err)}`);
  }
  const channel = await openOutputChannel();
  return new Promise<ProcessOutcome>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(spec.file, [...spec.args], {
        cwd: spec.cwd,
        env: { ...spec.env },
        shell: false,
        detached: true,
        stdio: ['ignore', ...channel.stdio],
        windowsHide: true,
      });
    } catch (err: unknown) {
      // Synchronous failures, e.g. NUL bytes in an argument.
      channel.abandon();
      resolve(spawnFailed(startedAt, `cannot start ${spec.file}: ${errorText(err)}`));
      return;
    }
    supervise({ child, channel, spec, output, startedAt }, resolve);
  });
};

type ExitStatus = { code: number | null; signal: string | null };
type Run = { child: ChildProcess; channel: OutputChannel; spec: ProcessSpec; output: BoundedOutput; startedAt: number };

/** Settles at most once and owns every timer, so nothing fires after the outcome is known. */
function createSettler(settle: Settle) {
  const timers = new Set<NodeJS.Timeout>();
  let settled = false;
  const clearTimers = () => timers.forEach(clearTimeout);
  return {
    after: (ms: number, fn: () => void) => void timers.add(setTimeout(fn, clampDelay(ms))),
    clearTimers,
    finish: (outcome: ProcessOutcome) => {
      if (settled) return;
      settled = true;
      // Clearing every timer guarantees no signal is sent to a process group id that may since have been reused.
      clearTimers();
      settle(outcome);
    },
  };
}

type Settler = ReturnType<typeof createSettler>;

function supervise({ child, channel, spec, output, startedAt }: Run, settle: Settle) {
  const run = createSettler(settle);
  let timedOut = false;
  let exit: ExitStatus | null = null;
  let drained = false;
  const finishRun = () => run.finish(runOutcome(timedOut ? 'timed_out' : 'exited', exit, output, startedAt));
  // Done once the main process exited and every writer closed the channel, whichever comes last.
  const finishIfDone = () => {
    if (exit !== null && drained) finishRun();
  };
  const abandonChannel = () => {
    channel.abandon();
    finishRun();
  };
  const onDrained = () => {
    drained = true;
    finishIfDone();
  };
  channel.collect(child, (chunk) => output.push(chunk), onDrained);
  child.once('error', (err) => {
    // With a pid the process did start; later errors (e.g. from kill) do not change the outcome.
    if (child.pid !== undefined) return;
    void describeSpawnError(err, spec).then((message) => run.finish(spawnFailed(startedAt, message)));
  });
  const pid = child.pid;
  if (pid === undefined) return;
  child.once('exit', (code, signal) => {
    exit = { code, signal };
    run.clearTimers();
    // Background descendants would otherwise keep the channel open (and run) forever.
    signalGroup(pid, 'SIGKILL');
    run.after(DRAIN_CAP_MS, abandonChannel);
    finishIfDone();
  });
  armTimeout(run, pid, spec, () => (timedOut = true), abandonChannel);
}

/** SIGTERM to the group at the timeout, SIGKILL after the grace period, then give up waiting for the exit event. */
function armTimeout(run: Settler, pid: number, spec: ProcessSpec, onTimeout: () => void, giveUp: () => void): void {
  run.after(spec.timeoutMs, () => {
    onTimeout();
    signalGroup(pid, 'SIGTERM');
    run.after(spec.killGraceMs, () => {
      signalGroup(pid, 'SIGKILL');
      run.after(POST_KILL_CAP_MS, giveUp);
    });
  });
}

/** Signals the whole process group led by pid; a group that is already gone is not an error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err: unknown) {
    // EPERM: macOS reports it for a group made only of zombies.
    if (errorCode(err) !== 'ESRCH' && errorCode(err) !== 'EPERM') throw err;
  }
}

/** exit is null when the exit event never came (see POST_KILL_CAP_MS). */
function runOutcome(kind: ProcessOutcomeKind, exit: ExitStatus | null, output: BoundedOutput, startedAt: number) {
  const { text, totalBytes, truncated } = output.result();
  const status = { kind, exitCode: exit?.code ?? null, signal: exit?.signal ?? null, durationMs: elapsedMs(startedAt) };
  return { ...status, output: text, outputBytes: totalBytes, truncated } satisfies ProcessOutcome;
}

function spawnFailed(startedAt: number, error: string): ProcessOutcome {
  const base = { exitCode: null, signal: null, output: '', outputBytes: 0, truncated: false };
  return { kind: 'spawn_failed', ...base, durationMs: elapsedMs(startedAt), error };
}

async function describeSpawnError(err: Error, spec: ProcessSpec): Promise<string> {
  const code = errorCode(err);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    // libuv reports a missing working directory with the same ENOENT as a missing interpreter.
    const cwdOk = await fs.stat(spec.cwd).then(
      (s) => s.isDirectory(),
      () => false,
    );
    // The path is left out on purpose: cwd is usually the runbooks directory, whose host path is not shown to users.
    return cwdOk ? `interpreter not found: ${spec.file}` : 'working directory not found';
  }
  if (code === 'EACCES') return `interpreter not executable (permission denied): ${spec.file}`;
  return `cannot start ${spec.file}: ${errorText(err)}`;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_TIMER_MS) : MAX_TIMER_MS;
}

function elapsedMs(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
