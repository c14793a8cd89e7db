// Live runbook process groups: so a forced shutdown can kill runbooks that run in groups of their own.
import { signalSession } from './process-sessions';

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
  // Each runbook leads its own session: its members in groups of their own (a `timeout` job) go too.
  for (const pid of live) signalSession(pid, 'SIGKILL');
  live.clear();
  return count;
}
