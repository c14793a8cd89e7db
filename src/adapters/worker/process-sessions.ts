// Runbook sessions: signal one whole (its group and the groups its processes made), or find one by its output.
import { fstatSync, readdirSync, readFileSync, statSync } from 'node:fs';

// A SIGKILLed process cannot fork again, so the few children made between one scan and its kills fall to the next.
const MAX_KILL_PASSES = 10;

/**
 * Runbooks are spawned detached: each is the leader of a session whose id is its pid. A process that moves to a new
 * group of that session (GNU `timeout` does, to kill its command as a group) no longer gets the group's signals, so
 * the session's members are signalled too. Only a new session (setsid) leaves it; see docs/security.md's limits.
 * The caller signals only while the session can still have members: Linux reuses no pid still in use as a session
 * id, so `sid` then names this runbook's processes and no one else's. Where the launcher started the runbook, a
 * timeout's signals can come after it reaped the leader and before the worker heard: if the session is empty by
 * then, its id could in principle be a new process's. The window is one reply on a pipe.
 */
export function signalSession(sid: number, signal: 'SIGTERM' | 'SIGKILL'): void {
  signalGroup(sid, signal);
  // SIGTERM is a request: one pass, the grace period gives them time to go. SIGKILL repeats until none is left.
  const passes = signal === 'SIGKILL' ? MAX_KILL_PASSES : 1;
  for (let pass = 0; pass < passes; pass++) {
    const members = sessionMembers(sid);
    if (members.length === 0) return;
    members.forEach((pid) => signalProcess(pid, signal));
  }
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

/** Live (not zombie) processes of session `sid`, from /proc; none where there is no /proc (macOS). */
function sessionMembers(sid: number): number[] {
  return procPids()
    .filter((pid) => {
      const fields = statFields(pid);
      return fields !== null && Number(fields[3]) === sid && fields[0] !== 'Z';
    })
    .map(Number);
}

/** The pids /proc lists; none where there is no /proc (macOS). */
function procPids(): string[] {
  try {
    return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
}

/** "pid (comm) state ppid pgrp session …" after "(comm)": state first; null once the process is gone. */
function statFields(pid: string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // comm may hold spaces and parentheses, so fields count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone meanwhile (ESRCH); nothing else can fail for a process of our own or, as root, of the runbook user.
  }
}

/**
 * The session of a process whose stdout is the FIFO `fd` (still open here) names: the runbook started for it, or what
 * it left. One /proc scan, only when a launcher died with starts unanswered.
 */
export function sessionWritingTo(fd: number): number | undefined {
  let fifo: { ino: number; dev: number };
  try {
    fifo = fstatSync(fd);
  } catch {
    return undefined;
  }
  for (const pid of procPids()) {
    if (Number(pid) === process.pid || !writesTo(pid, fifo)) continue;
    const fields = statFields(pid);
    if (fields === null) continue; // Gone meanwhile.
    const sid = Number(fields[3]);
    return Number.isInteger(sid) && sid > 1 ? sid : undefined;
  }
  return undefined;
}

function writesTo(pid: string, fifo: { ino: number; dev: number }): boolean {
  try {
    const out = statSync(`/proc/${pid}/fd/1`);
    return out.ino === fifo.ino && out.dev === fifo.dev;
  } catch {
    return false; // Gone meanwhile, or no fd 1.
  }
}

const errorCode = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'code' in err ? err.code : null;

/**
 * The same SIGKILL of a whole session, as plain JavaScript for the programs run with `node -e` (the launcher, the
 * session reaper); it expects `fs` in scope and defines `killSession(sid)`.
 */
export const SESSION_KILL_SCRIPT = String.raw`
const procStat = (pid) => { try { return fs.readFileSync('/proc/' + pid + '/stat', 'latin1'); } catch { return ''; } };
const members = (sid) => fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((pid) => {
  const s = procStat(pid); const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return s !== '' && Number(f[3]) === sid && f[0] !== 'Z';
});
const kill = (target) => { try { process.kill(target, 'SIGKILL'); } catch {} };
// Never throws: /proc unreadable for a moment (no descriptors left) must not take the program down with it.
const killSession = (sid) => {
  kill(-sid);
  try {
    for (let pass = 0; pass < ${MAX_KILL_PASSES}; pass++) {
      const left = members(sid);
      if (left.length === 0) return;
      left.forEach((pid) => kill(Number(pid)));
    }
  } catch {}
};
`;
