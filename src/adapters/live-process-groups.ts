// Live runbook process groups: so a forced shutdown can kill runbooks that run in groups of their own.
const live = new Set<number>();

export function trackGroup(pid: number): void {
  live.add(pid);
}

export function untrackGroup(pid: number): void {
  live.delete(pid);
}

/** SIGKILLs every runbook process group still running; returns how many there were. */
export function killLiveGroups(): number {
  const count = live.size;
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone: nothing to do.
    }
  }
  live.clear();
  return count;
}
