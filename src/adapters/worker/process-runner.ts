// Runs one interpreter process without a shell: bounded interleaved output, timeout, and session-wide cleanup.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { trace } from '@opentelemetry/api';
import { createBoundedOutput } from './bounded-output';
import { canLaunch, launch } from './launcher';
import type { StartedProcess } from './launcher';
import type { BoundedOutput } from './bounded-output';
import { trackGroup, untrackGroup } from './live-process-groups';
import { openOutputChannel } from './output-channel';
import { signalSession } from './process-sessions';
import type { OutputChannel } from './output-channel';
import type { ProcessOutcome, ProcessOutcomeKind, ProcessRunner, ProcessSpec } from '../../services/worker/ports';

/** After the main process exits, how long to wait for escaped descendants (e.g. setsid) to close the output channel. */
const DRAIN_CAP_MS = 2_000;
/** After SIGKILL on timeout, how long to wait for the exit event before giving up on it (e.g. uninterruptible I/O). */
const POST_KILL_CAP_MS = 5_000;
/** Span events on the caller's active span: the process started (spawn returned a pid), and its main process ended. */
export const SPAWNED_EVENT = 'cloudo.process.spawned';
export const EXITED_EVENT = 'cloudo.process.exited';
// setTimeout fires immediately for delays above 2^31-1 ms, which would turn a "never" timeout into "at once".
const MAX_TIMER_MS = 2_147_483_647;

export const runProcess: ProcessRunner = async (spec) => {
  const startedAt = performance.now();
  // Cancelled before it started: nothing to stop, and nothing is started.
  if (spec.signal?.aborted) return runOutcome('cancelled', null, createBoundedOutput(0), startedAt);
  const channel = await openOutputChannel(spec.user);
  let output: BoundedOutput;
  let child: StartedProcess;
  try {
    output = createBoundedOutput(spec.maxOutputBytes);
    child = await startChild(spec, channel);
  } catch (err: unknown) {
    // Synchronous failures, e.g. an invalid output cap or NUL bytes in an argument.
    channel.abandon();
    return spawnFailed(startedAt, `cannot start ${spec.file}: ${errorText(err)}`);
  }
  const pid = child.pid;
  // The caller's span (the worker's run) tells how long the worker took before and after the process itself.
  const span = trace.getActiveSpan();
  if (pid !== undefined) span?.addEvent(SPAWNED_EVENT);
  child.once('exit', () => span?.addEvent(EXITED_EVENT));
  // Runbooks run in their own process groups, out of reach of a terminal's Ctrl-C: keep a list for forced stops.
  if (pid !== undefined) trackGroup(pid);
  return new Promise<ProcessOutcome>((resolve) => {
    supervise({ child, channel, spec, output, startedAt }, (outcome) => {
      if (pid !== undefined) untrackGroup(pid);
      resolve(outcome);
    });
  });
};

/**
 * Through the launcher where the output is a FIFO: a start then forks that small process instead of this one, whose
 * event loop would stop for the fork (docs/performance.md). A socket or pipes cannot be reopened through /proc.
 */
function startChild(spec: ProcessSpec, channel: OutputChannel): Promise<StartedProcess> | StartedProcess {
  const [out] = channel.stdio;
  const user = spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : undefined;
  if (typeof out === 'number' && canLaunch())
    return launch({ ...pick(spec), detached: true, outputFd: out, ...(user ? { user } : {}) });
  return spawn(spec.file, [...spec.args], {
    ...pick(spec),
    env: { ...spec.env },
    shell: false,
    detached: true,
    stdio: ['ignore', ...channel.stdio],
    windowsHide: true,
    // libuv also calls setgroups(0) before setgid and setuid: none of the worker's supplementary groups remain.
    ...user,
  });
}

const pick = ({ file, args, cwd, env }: ProcessSpec) => ({ file, args: [...args], cwd, env });

type ExitStatus = { code: number | null; signal: string | null };
type Settler = ReturnType<typeof createSettler>;
type Run = {
  child: StartedProcess;
  channel: OutputChannel;
  spec: ProcessSpec;
  output: BoundedOutput;
  startedAt: number;
};

/** Settles at most once and owns every timer, so nothing fires after the outcome is known. */
function createSettler(settle: (outcome: ProcessOutcome) => void) {
  const timers = new Set<NodeJS.Timeout>();
  let pending: typeof settle | null = settle;
  const clearTimers = () => timers.forEach(clearTimeout);
  return {
    after: (ms: number, fn: () => void) => void timers.add(setTimeout(fn, clampDelay(ms))),
    clearTimers,
    finish: (outcome: ProcessOutcome) => {
      // Clearing every timer guarantees no signal is sent to a process group id that may since have been reused.
      clearTimers();
      pending?.(outcome);
      pending = null;
    },
  };
}

function supervise({ child, channel, spec, output, startedAt }: Run, settle: (outcome: ProcessOutcome) => void) {
  const run = createSettler(settle);
  let stoppedAs: 'timed_out' | 'cancelled' | null = null;
  let exit: ExitStatus | null = null;
  let drained = false;
  const finishRun = () => {
    const outcome = runOutcome(stoppedAs ?? 'exited', exit, output, startedAt);
    run.finish(child.stoppedBecause ? { ...outcome, error: child.stoppedBecause } : outcome);
  };
  const abandonChannel = () => {
    channel.abandon();
    finishRun();
  };
  // Done once the main process exited and every writer closed the channel, whichever comes last.
  const onDrained = () => {
    drained = true;
    if (exit !== null) finishRun();
  };
  channel.collect(
    child,
    (chunk) => {
      output.push(chunk);
      spec.onOutput?.(chunk);
    },
    onDrained,
  );
  child.on('error', (err) => {
    // With a pid the process did start; later errors (e.g. from kill) do not change the outcome.
    if (child.pid !== undefined) return;
    void describeSpawnError(err, spec).then((message) => run.finish(spawnFailed(startedAt, message)));
  });
  const pid = child.pid;
  if (pid === undefined) return;
  child.once('exit', (code, signal) => {
    exit = { code, signal };
    run.clearTimers();
    // Background descendants would otherwise keep the channel open (and run) forever; those in groups of their own
    // (a `timeout` job) too. The launcher has done it already where it started the process.
    if (child.sweptOnExit !== true) signalSession(pid, 'SIGKILL');
    run.after(DRAIN_CAP_MS, abandonChannel);
    if (drained) finishRun();
  });
  const stop = (as: 'timed_out' | 'cancelled') => {
    // The first reason to stop is the one reported; a cancel during the grace period of a timeout changes nothing.
    if (stoppedAs !== null || exit !== null) return;
    stoppedAs = as;
    stopSession(run, pid, spec, abandonChannel);
  };
  run.after(spec.timeoutMs, () => stop('timed_out'));
  if (spec.signal) {
    const onAbort = () => stop('cancelled');
    spec.signal.addEventListener('abort', onAbort, { once: true });
    // Aborted while the channel opened and the process started: the listener came too late to hear it.
    if (spec.signal.aborted) onAbort();
    child.once('exit', () => spec.signal?.removeEventListener('abort', onAbort));
  }
}

/** SIGTERM to the session, SIGKILL after the grace period, then give up waiting for the exit event. */
function stopSession(run: Settler, pid: number, spec: ProcessSpec, giveUp: () => void): void {
  signalSession(pid, 'SIGTERM');
  run.after(spec.killGraceMs, () => {
    signalSession(pid, 'SIGKILL');
    run.after(POST_KILL_CAP_MS, giveUp);
  });
}

/** exit is null when the exit event never came (see POST_KILL_CAP_MS). */
function runOutcome(kind: ProcessOutcomeKind, exit: ExitStatus | null, output: BoundedOutput, startedAt: number) {
  const { text, totalBytes, truncated, edges } = output.result();
  const status = { kind, exitCode: exit?.code ?? null, signal: exit?.signal ?? null, durationMs: elapsedMs(startedAt) };
  const cut = edges ? { outputEdges: edges } : {};
  return { ...status, output: text, outputBytes: totalBytes, truncated, ...cut } satisfies ProcessOutcome;
}

function spawnFailed(startedAt: number, error: string): ProcessOutcome {
  const base = { exitCode: null, signal: null, output: '', outputBytes: 0, truncated: false };
  return { kind: 'spawn_failed', ...base, durationMs: elapsedMs(startedAt), error };
}

async function describeSpawnError(err: Error, spec: ProcessSpec): Promise<string> {
  const code = errorCode(err);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    // libuv reports a missing working directory with the same ENOENT as a missing interpreter.
    const cwdOk = (await fs.stat(spec.cwd).catch(() => null))?.isDirectory() ?? false;
    // The path is left out on purpose: cwd is usually the runbooks directory, whose host path is not shown to users.
    return cwdOk ? `interpreter not found: ${spec.file}` : 'working directory not found';
  }
  const by = spec.user ? ` by uid ${spec.user.uid}` : '';
  if (code === 'EACCES') return `interpreter not executable${by} (permission denied): ${spec.file}`;
  if (code === 'EPERM' && spec.user)
    return `cannot run as uid ${spec.user.uid}: the worker may not switch users (needs root with CAP_SETUID and CAP_SETGID)`;
  return `cannot start ${spec.file}: ${errorText(err)}`;
}

const errorCode = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'code' in err ? err.code : null;
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const clampDelay = (ms: number): number =>
  Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_TIMER_MS) : MAX_TIMER_MS;
const elapsedMs = (startedAt: number): number => Math.round(performance.now() - startedAt);
