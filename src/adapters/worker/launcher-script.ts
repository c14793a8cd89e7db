// The launcher's own program: plain JavaScript, run with `node -e`, that starts processes the worker asks for.
import { SESSION_KILL_SCRIPT } from './process-sessions';
import { LINE_READER_SCRIPT } from './script-lines';

/**
 * Why a process of its own: Node starts a child by forking the whole parent and waiting for its exec, with the event
 * loop stopped meanwhile, in time that grows with the parent's memory (10 ms at 260 MB). This process stays small,
 * so a start costs it well under a millisecond, and the worker's event loop none (docs/performance.md).
 *
 * Protocol, one JSON object per line. Requests on stdin: { id, file, args, cwd, env, uid, gid, detached, outFd,
 * timeoutMs }. Replies on stdout: { id, pid } once started, then { id, code, signal, swept } when it exited (swept:
 * its session was SIGKILLed after it, as the runner does after an exit); or { id, error } when it could not start.
 * `outFd` is a descriptor of the worker (its parent, whose pid is the one argument), a FIFO's write end: the launcher
 * opens its own copy through /proc, gives it to the child as fd 1 and fd 2, and closes it, so only the child holds it.
 * The worker keeps its copy (and the read end) open until it has the reply, so the number names that FIFO throughout.
 * When stdin ends or its parent is no longer the worker (the worker is gone), the launcher kills the sessions of the
 * runbooks it started (the worker may not have told the reaper of the last) and exits without starting what is left.
 * It is started with an empty environment; it closes what it inherited without close-on-exec, its own descriptors are
 * close-on-exec, and fd 0 to 2 of every child are replaced: a child gets fd 0 to 2 and nothing else, and no way to
 * talk to the launcher.
 */
export const LAUNCHER_SCRIPT = String.raw`
const fs = require('fs');
const { spawn } = require('child_process');
${LINE_READER_SCRIPT}
${SESSION_KILL_SCRIPT}
// The worker's pid, from it: process.ppid is read once at start-up, when a worker killed meanwhile may be gone already.
const worker = Number(process.argv[1]);
const parent = () => { const s = procStat('self'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]); };
// The sessions of the runbooks it started that have not exited yet.
const sessions = new Set();
// The worker is gone. Those it had not yet read the pid of (still in the pipe) neither its timeout nor the session
// reaper would ever stop; they go now, with the rest, which the reaper stops as well.
const workerGone = () => { sessions.forEach(killSession); process.exit(0); };
const reply = (m) => { try { process.stdout.write(JSON.stringify(m) + '\n'); } catch {} };
const failure = (e) => ({ code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message || e) });
process.stdout.on('error', workerGone);
// What the worker left open without close-on-exec (a host's pipe, a test runner's) would pass on to every runbook:
// libuv and Node open all their own descriptors close-on-exec, so the ones without the flag are those, and go.
for (const fd of fs.readdirSync('/proc/self/fd').map(Number).filter((fd) => fd > 2)) {
  try {
    const flags = /flags:\s*([0-7]+)/.exec(fs.readFileSync('/proc/self/fdinfo/' + fd, 'latin1'));
    if (flags && (parseInt(flags[1], 8) & 0o2000000) === 0) fs.closeSync(fd);
  } catch {}
}
eachLine(process.stdin, (line) => {
  let m; try { m = JSON.parse(line); } catch { return; }
  // What a worker killed (the OOM killer) asked for last is still in the pipe: started now, it would run unwatched,
  // with no timeout, unknown to the reaper; and /proc/<ppid> would then name another process's descriptors.
  // Only a parent read as another process means gone: a /proc it cannot read (no descriptors left) is not.
  const now = parent();
  if (Number.isInteger(now) && now !== worker) workerGone();
  start(m);
}, workerGone);
function start(m) {
  let out = 'ignore';
  let child;
  try {
    // Blocking (no O_NONBLOCK): the child's stdout and stderr; it returns at once, the worker holds the read end.
    if (typeof m.outFd === 'number') out = fs.openSync('/proc/' + worker + '/fd/' + m.outFd, fs.constants.O_WRONLY);
    const ids = typeof m.uid === 'number' ? { uid: m.uid, gid: m.gid } : {};
    child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, detached: !!m.detached, shell: false, stdio: ['ignore', out, out], ...ids });
  } catch (e) {
    reply({ id: m.id, error: failure(e) });
    return;
  } finally {
    if (typeof out === 'number') fs.closeSync(out);
  }
  let timer;
  child.on('error', (e) => { if (child.pid === undefined) reply({ id: m.id, error: failure(e) }); });
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    sessions.delete(child.pid);
    // What the runbook left running in its session (background jobs) goes with it, here rather than in the worker:
    // finding them reads /proc, a few milliseconds the worker's event loop would otherwise be stopped for.
    if (m.detached && child.pid !== undefined) killSession(child.pid);
    reply({ id: m.id, code, signal, swept: !!m.detached });
  });
  if (child.pid === undefined) return;
  if (m.detached) sessions.add(child.pid);
  reply({ id: m.id, pid: child.pid });
  if (typeof m.timeoutMs === 'number') timer = setTimeout(() => { try { child.kill('SIGKILL'); } catch {} }, m.timeoutMs);
}
`;
