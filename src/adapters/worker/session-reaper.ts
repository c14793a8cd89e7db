// The session reaper: a process of its own that SIGKILLs every live runbook session once the worker is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { SESSION_KILL_SCRIPT } from './process-sessions';
import { LINE_READER_SCRIPT } from './script-lines';

/**
 * A worker killed with SIGKILL (the OOM killer, a crashed host, `kill -9`) cannot stop its runbooks, and their
 * timeouts die with it. The reaper outlives it: it reads "+sid" / "-sid" lines on stdin, and when stdin ends (the
 * worker's end of the pipe closes only when the worker exits) it kills what is still listed, as signalSession does.
 * It is plain JavaScript run with `node -e` so it starts the same way from the sources, from dist/ and on Azure.
 */
const REAPER_SCRIPT = String.raw`
const fs = require('fs');
const live = new Set();
${SESSION_KILL_SCRIPT}
${LINE_READER_SCRIPT}
eachLine(process.stdin, (line) => {
  if (line[0] === '+') live.add(Number(line.slice(1))); else live.delete(Number(line.slice(1)));
}, () => {
  for (const sid of live) killSession(sid);
  process.exit(0);
});
`;

let reaper: ChildProcess | undefined;

/** Tells the reaper that a session began or ended; one started on first use, or after the last died, gets `live`. */
export function tellReaper(line: `${'+' | '-'}${number}`, live: ReadonlySet<number>): void {
  if (process.platform !== 'linux') return; // It reads /proc; elsewhere forced stops rely on killLiveGroups alone.
  if (reaper) {
    reaper.stdin?.write(`${line}\n`);
    return;
  }
  // A new reaper learns the whole live set, which the caller has already updated with this line's change.
  reaper = startReaper();
  for (const sid of live) reaper?.stdin?.write(`+${sid}\n`);
}

function startReaper(): ChildProcess | undefined {
  try {
    // Detached: a Ctrl-C or a signal to the worker's group must not take the reaper along with the worker.
    const child = spawn(process.execPath, ['-e', REAPER_SCRIPT], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: {},
    });
    const forget = () => {
      if (reaper === child) reaper = undefined;
    };
    child.once('error', forget).once('exit', forget);
    child.stdin?.on('error', forget);
    // Neither the reaper nor its pipe may keep the worker's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  } catch {
    return undefined;
  }
}
