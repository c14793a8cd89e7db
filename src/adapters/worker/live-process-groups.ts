// Live runbook process groups: so a forced shutdown, or the reaper after a killed worker, can kill runbooks that run in
// groups of their own.
import { signalSession } from './process-sessions';
import { tellReaper } from './session-reaper';

const live = new Set<number>();

export function trackGroup(pid: number): void {
  live.add(pid);
  tellReaper(`+${pid}`, live);
}

export function untrackGroup(pid: number): void {
  live.delete(pid);
  tellReaper(`-${pid}`, live);
}

/** SIGKILLs every runbook process group still running; returns how many there were. */
export function killLiveGroups(): number {
  const count = live.size;
  // Each runbook leads its own session: its members in groups of their own (a `timeout` job) go too.
  for (const pid of live) signalSession(pid, 'SIGKILL');
  for (const pid of [...live]) untrackGroup(pid);
  return count;
}
