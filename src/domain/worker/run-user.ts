// Runbook user: whom runbooks run as, decided from the worker's own uid and CLOUDO_RUNBOOK_USER, and what it may reach.

/** An unprivileged account runbooks run as: no supplementary groups (spawn clears them), only its primary group. */
export type RunUser = { readonly uid: number; readonly gid: number; readonly name: string };

export type PasswdEntry = { readonly name: string; readonly uid: number; readonly gid: number };

export type RunUserDecision =
  /** The worker is not root: runbooks run with its own privileges. */
  | { readonly kind: 'self'; readonly uid: number | null }
  | { readonly kind: 'user'; readonly user: RunUser; readonly fallback: boolean }
  | { readonly kind: 'invalid'; readonly problem: string };

/** Where a root worker without CLOUDO_RUNBOOK_USER runs runbooks: `nobody`, or its usual ids when it is not listed. */
export const FALLBACK_USER = 'nobody';
const FALLBACK_ID = 65534;

/** The entries of an /etc/passwd text; malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const [name, , uid, gid] = line.split(':');
    if (!name || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '')) return [];
    return [{ name, uid: Number(uid), gid: Number(gid) }];
  });
}

/**
 * Root never runs a runbook as root: the setting's user, else `nobody`. A worker that is not root cannot switch,
 * so a setting naming anyone but itself is refused rather than silently ignored.
 */
export function decideRunUser(input: {
  readonly ownUid: number | null;
  readonly setting: string | undefined;
  readonly users: readonly PasswdEntry[];
}): RunUserDecision {
  const { ownUid, setting, users } = input;
  if (ownUid !== 0) {
    if (setting === undefined) return { kind: 'self', uid: ownUid };
    const wanted = lookUp(setting, users);
    if (wanted.kind === 'invalid') return wanted;
    // Naming itself changes nothing: the runbooks still share the worker's uid.
    if (wanted.kind === 'user' && wanted.user.uid === ownUid) return { kind: 'self', uid: ownUid };
    return {
      kind: 'invalid',
      problem:
        `CLOUDO_RUNBOOK_USER: ClouDO runs as uid ${ownUid ?? '?'}, not root, so it cannot run runbooks as ` +
        `"${setting}". Run it as root, or leave the setting empty (runbooks then run with ClouDO's own privileges).`,
    };
  }
  if (setting !== undefined) return lookUp(setting, users);
  const nobody = users.find((u) => u.name === FALLBACK_USER);
  const user = nobody ?? { name: FALLBACK_USER, uid: FALLBACK_ID, gid: FALLBACK_ID };
  return user.uid === 0 || user.gid === 0 ? notRoot(FALLBACK_USER) : { kind: 'user', user, fallback: true };
}

/** A uid (its group from /etc/passwd, else the same number) or a user name listed in /etc/passwd. */
function lookUp(setting: string, users: readonly PasswdEntry[]): RunUserDecision {
  const byUid = /^\d+$/.test(setting) ? Number(setting) : null;
  const entry = users.find((u) => (byUid === null ? u.name === setting : u.uid === byUid));
  const user = entry ?? (byUid === null ? null : { name: `uid ${byUid}`, uid: byUid, gid: byUid });
  if (user === null) return { kind: 'invalid', problem: `CLOUDO_RUNBOOK_USER: no user "${setting}" in /etc/passwd` };
  return user.uid === 0 || user.gid === 0 ? notRoot(setting) : { kind: 'user', user, fallback: false };
}

const notRoot = (who: string): RunUserDecision => ({
  kind: 'invalid',
  problem: `CLOUDO_RUNBOOK_USER: "${who}" is root or in the root group; runbooks need an unprivileged user`,
});

// What a root worker needs to hand runbooks to another user: chown the run's files, switch ids, signal the group.
const NEEDED_CAPABILITIES = [
  ['CAP_CHOWN', 0],
  ['CAP_KILL', 5],
  ['CAP_SETGID', 6],
  ['CAP_SETUID', 7],
] as const;

/** The needed capabilities missing from a CapEff mask (hex, as /proc/self/status shows it). */
export function findMissingCapabilities(capEffHex: string): string[] {
  if (!/^[0-9a-f]+$/i.test(capEffHex)) return [];
  const mask = BigInt(`0x${capEffHex}`);
  return NEEDED_CAPABILITIES.filter(([, bit]) => (mask & (1n << BigInt(bit))) === 0n).map(([name]) => name);
}

export type PathMode = { readonly path: string; readonly mode: number; readonly uid: number; readonly gid: number };

/**
 * The first directory of `chain` (root first, the target last) that keeps `who` out: every ancestor must let it
 * search (x), the target also list (r). Mode bits only, as for a process with no supplementary groups.
 */
export function findBlockingDirectory(chain: readonly PathMode[], who: { uid: number; gid: number }): PathMode | null {
  return (
    chain.find((dir, i) => {
      const bits = dir.uid === who.uid ? (dir.mode >> 6) & 7 : dir.gid === who.gid ? (dir.mode >> 3) & 7 : dir.mode & 7;
      const needed = i === chain.length - 1 ? 0o5 : 0o1;
      return (bits & needed) !== needed;
    }) ?? null
  );
}
