// Maps a runbook name to a real script file inside the runbooks directory, refusing anything that escapes it.
import { createHash } from 'node:crypto';
import { promises as fs, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { checkRunbookName, fail, type RunbookResolution } from '../../domain/worker/runbook-name';

export async function resolveRunbook(runbooksDir: string, runbook: string): Promise<RunbookResolution> {
  const label = JSON.stringify(runbook);
  const checked = checkRunbookName(runbook);
  if (!checked.ok) return checked;
  const { interpreter } = checked;
  const realDir = await realpathOrNull(runbooksDir);
  if (realDir === null) return fail('not_found', `runbook ${label} not found: the runbooks directory does not exist`);
  const realTarget = await realpathOrNull(path.join(realDir, ...runbook.split('/')));
  if (realTarget === null) return fail('not_found', `runbook ${label} not found in the runbooks directory`);
  if (!isStrictlyInside(realDir, realTarget)) {
    return fail('outside_runbooks_dir', `runbook ${label} resolves to a file outside the runbooks directory`);
  }
  const statAt = Date.now();
  const stat = await fs.stat(realTarget, { bigint: true }).catch(() => null);
  if (stat === null || !stat.isFile()) {
    return fail('not_found', `runbook ${label} is not a regular file in the runbooks directory`);
  }
  const sha256 = await hashOf(realTarget, stat, statAt);
  if (sha256 === null) return fail('not_found', `runbook ${label} cannot be read in the runbooks directory`);
  return { ok: true, path: realTarget, interpreter, sha256 };
}

// The file's identity and every time a change sets: a file written since has another (ctime cannot be set back).
const versionOf = (s: BigIntStats) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
// Timestamps advance in kernel ticks: a file changed within this of being hashed might keep its version, so it is
// not remembered until it has been still for longer (as git does with "racily clean" files).
const SETTLED_MS = 2_000;
const MAX_REMEMBERED = 1_000;
const remembered = new Map<string, { version: string; sha256: string }>();

/** The file's SHA-256, read again unless it is the very version hashed before; null when it cannot be read. */
async function hashOf(file: string, stat: BigIntStats, statAt: number): Promise<string | null> {
  const version = versionOf(stat);
  const known = remembered.get(file);
  if (known?.version === version) return known.sha256;
  const sha256 = await fs.readFile(file).then(
    (b) => createHash('sha256').update(b).digest('hex'),
    () => null,
  );
  if (sha256 === null || Number(stat.ctimeNs / 1_000_000n) > statAt - SETTLED_MS) return sha256;
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(file, { version, sha256 });
  return sha256;
}

function isStrictlyInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

async function realpathOrNull(p: string): Promise<string | null> {
  try {
    return await fs.realpath(p);
  } catch {
    // ENOENT, ENOTDIR, ELOOP, EACCES: in every case there is no usable runbook at this name.
    return null;
  }
}
