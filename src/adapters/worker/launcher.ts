// Starts processes through the launcher, a small long-lived child of the worker, so no start forks the worker itself.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { LAUNCHER_SCRIPT } from './launcher-script';
import { sessionWritingTo } from './process-sessions';

export type LaunchRequest = {
  /** Absolute path or bare name, looked up on the PATH of `env`, as spawn does. */
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The child's whole environment: the launcher's own is empty, and nothing of the worker's is inherited. */
  readonly env: Readonly<Record<string, string>>;
  /** Run as this user and group, without supplementary groups (libuv's setgroups(0)); needs a root worker. */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Lead a new session and process group, as spawn's `detached`. */
  readonly detached: boolean;
  /** A descriptor of this process, a FIFO's write end, to be the child's fd 1 and fd 2; keep it open until settled. */
  readonly outputFd?: number;
  /** SIGKILL the child after this long; runbooks have none, the runner stops their whole session itself. */
  readonly timeoutMs?: number;
};

/** The part of a ChildProcess the runner uses; pid is undefined when it did not start, and 'error' follows. */
export type StartedProcess = {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Set by the time 'exit' is emitted when the whole session was SIGKILLed after the process exited. */
  readonly sweptOnExit?: boolean;
  /** Set by the time 'exit' is emitted when the exit is not the process's own: why it was stopped. */
  readonly stoppedBecause?: string | undefined;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
};

// The launcher is ours, but its stdout is still a boundary: a pid that is not a real one must never reach a kill.
const replySchema = z.object({
  id: z.number().int(),
  pid: z.number().int().gt(1).optional(),
  error: z.object({ code: z.string().optional(), message: z.string() }).optional(),
  code: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  swept: z.boolean().optional(),
});
type Reply = z.infer<typeof replySchema>;
type Entry = {
  readonly started: LaunchedProcess;
  readonly settle: (started: LaunchedProcess) => void;
  readonly outputFd: number | undefined;
};
// stdout is a pipe, a net.Socket: referenced only while an answer is awaited.
type Launcher = { readonly child: ChildProcess; readonly replies: Socket; readonly pending: Map<number, Entry> };

class LaunchedProcess extends EventEmitter {
  pid: number | undefined = undefined;
  sweptOnExit = false;
  stoppedBecause: string | undefined = undefined;
  readonly stdout = null;
  readonly stderr = null;
}

/** How long a start may go unanswered: one takes milliseconds, and seconds on a machine under heavy load. */
const START_ANSWER_MS = 30_000;

// What a run it watched is recorded with: its exit could no longer be known, so the worker stopped it.
const LOST = 'the process launcher was lost (killed, or it stopped answering); ClouDO stopped the run';

let launcher: Launcher | undefined;
let nextId = 0;

/** True where the launcher can give a child the worker's descriptor (through /proc): Linux. */
export const canLaunch = (): boolean => process.platform === 'linux';

/**
 * Resolves once the launcher answered: with a pid, then 'exit' later; or without one, then 'error'. Events come after
 * the caller's continuation, as a ChildProcess's do. Rejects only when no launcher could be started, nothing sent.
 */
export async function launch(request: LaunchRequest): Promise<StartedProcess> {
  const current = (launcher ??= startLauncher());
  const id = ++nextId;
  const { user, outputFd, timeoutMs, ...rest } = request;
  const line = JSON.stringify({ id, ...rest, ...user, outFd: outputFd, timeoutMs });
  return new Promise((resolve) => {
    // A launcher that does not answer a start (stopped, wedged) would hold the run before its timeout even begins: it
    // is killed, and what it was starting is then found or failed as when it dies (onLauncherGone).
    const unanswered = setTimeout(() => current.child.kill('SIGKILL'), START_ANSWER_MS);
    unanswered.unref();
    const settle = (started: LaunchedProcess) => {
      clearTimeout(unanswered);
      resolve(started);
    };
    current.pending.set(id, { started: new LaunchedProcess(), settle, outputFd });
    current.replies.ref();
    current.child.stdin?.write(`${line}\n`);
  });
}

function startLauncher(): Launcher {
  // Detached: a Ctrl-C or a signal to the worker's group leaves it to end with the worker's pipe, after the runbooks.
  const child = spawn(process.execPath, ['-e', LAUNCHER_SCRIPT, String(process.pid)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'ignore'],
    env: {},
  });
  const state: Launcher = { child, replies: child.stdout as Socket, pending: new Map() };
  createInterface({ input: state.replies, crlfDelay: Infinity }).on('line', (line) => {
    // The launcher writes nothing else on stdout; a line that is not its JSON must still not crash the worker.
    const reply = parseReply(line);
    if (reply) onReply(state, reply);
  });
  child.stdin?.on('error', () => undefined);
  // 'close', not 'exit': the replies it wrote before it died are read first (no child holds its stdout).
  child.once('error', () => onLauncherGone(state)).once('close', () => onLauncherGone(state));
  // Neither the launcher nor its pipes keep the worker alive; stdout is referenced while an answer is awaited.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  state.replies.unref();
  return state;
}

function onReply(state: Launcher, reply: Reply): void {
  const entry = state.pending.get(reply.id);
  if (entry === undefined) return;
  const { started } = entry;
  if (reply.pid !== undefined) {
    started.pid = reply.pid;
    entry.settle(started);
    return;
  }
  forget(state, reply.id);
  entry.settle(started);
  const { error } = reply;
  if (error) setImmediate(() => started.emit('error', toError(error)));
  else {
    started.sweptOnExit = reply.swept === true;
    setImmediate(() => started.emit('exit', reply.code ?? null, (reply.signal ?? null) as NodeJS.Signals | null));
  }
}

/**
 * Killed (the OOM killer) or unable to start: what was still waiting for a start failed; what was running can no
 * longer be watched, so it is reported killed, and the runner then SIGKILLs its whole session as after any exit.
 */
function onLauncherGone(state: Launcher): void {
  if (launcher === state) launcher = undefined;
  for (const [id, entry] of state.pending) {
    forget(state, id);
    const { started } = entry;
    // Killed inside a start (most of its time during a burst of starts): the runbook may run, its pid never told.
    if (started.pid === undefined && entry.outputFd !== undefined) started.pid = sessionWritingTo(entry.outputFd);
    entry.settle(started);
    if (started.pid === undefined)
      setImmediate(() => started.emit('error', toError({ message: 'the process launcher exited' })));
    else {
      started.stoppedBecause = LOST;
      setImmediate(() => started.emit('exit', null, 'SIGKILL'));
    }
  }
}

function forget(state: Launcher, id: number): void {
  state.pending.delete(id);
  if (state.pending.size === 0) state.replies.unref();
}

function parseReply(line: string): Reply | null {
  try {
    const parsed = replySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toError(reply: NonNullable<Reply['error']>): Error {
  return Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code });
}
