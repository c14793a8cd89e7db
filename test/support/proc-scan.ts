// Finds processes by their command line through /proc (Linux): e.g. the Azurite services of one data directory.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live processes (not this one) with an argument containing `text`. */
export function pidsMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // Gone meanwhile.
    }
    // A zombie has an empty command line: it holds no port and no file.
    if (cmdline.split('\0').some((arg) => arg.includes(text))) pids.push(pid);
  }
  return pids;
}

/** Polls until `check` holds; a generous deadline for waiting, never a timing assertion. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 45_000) {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether a process runs: a zombie is already dead, it only waits for its parent (maybe a non-reaping PID 1). */
export function isProcessAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
