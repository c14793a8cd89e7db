// The worker's own identity and the system's users as the OS reports them: uid, /etc/passwd, capabilities, modes.
// Synchronous on purpose: read once at start-up, before the Functions host indexes anything.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parsePasswd, type PasswdEntry, type PathMode } from '../../domain/worker/run-user';

/** null where the platform has no uids (Windows). */
export function readOwnUid(): number | null {
  return process.getuid?.() ?? null;
}

/** The local accounts; none when the file is missing (a scratch image). */
export function readPasswd(file = '/etc/passwd'): PasswdEntry[] {
  try {
    return parsePasswd(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/** The effective capability mask (hex) on Linux; null elsewhere. */
export function readEffectiveCapabilities(): string | null {
  try {
    return /^CapEff:\s*([0-9a-f]+)$/im.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Modes and owners of `/`, every directory down to `dir`, and `dir` itself (links resolved); null if unreadable. */
export function listDirectoryChain(dir: string): PathMode[] | null {
  try {
    const parts = realpathSync(dir).split(path.sep).filter(Boolean);
    const paths = parts.map((_, i) => path.sep + parts.slice(0, i + 1).join(path.sep));
    return [path.sep, ...paths].map((p) => {
      const s = statSync(p);
      return { path: p, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
    });
  } catch {
    return null;
  }
}
