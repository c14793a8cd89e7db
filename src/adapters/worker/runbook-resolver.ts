// Maps a runbook name to a real script file inside the runbooks directory, refusing anything that escapes it.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
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
  const stat = await fs.stat(realTarget).catch(() => null);
  if (stat === null || !stat.isFile()) {
    return fail('not_found', `runbook ${label} is not a regular file in the runbooks directory`);
  }
  const sha256 = await fs.readFile(realTarget).then(
    (b) => createHash('sha256').update(b).digest('hex'),
    () => null,
  );
  if (sha256 === null) return fail('not_found', `runbook ${label} cannot be read in the runbooks directory`);
  return { ok: true, path: realTarget, interpreter, sha256 };
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
