// Maps a runbook name to a real script file inside the runbooks directory, refusing anything that escapes it.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export type RunbookInterpreter = 'bash' | 'python';

export type RunbookResolutionFailure = 'invalid_name' | 'outside_runbooks_dir' | 'not_found' | 'unsupported_type';

export type RunbookResolution =
  | { ok: true; path: string; interpreter: RunbookInterpreter }
  | { ok: false; reason: RunbookResolutionFailure; message: string };

const INTERPRETERS: ReadonlyMap<string, RunbookInterpreter> = new Map([
  ['.sh', 'bash'],
  ['.py', 'python'],
]);
const MAX_NAME_LENGTH = 1024;
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export async function resolveRunbook(runbooksDir: string, runbook: string): Promise<RunbookResolution> {
  const label = JSON.stringify(runbook);
  const invalid = checkName(runbook, label);
  if (invalid) return invalid;
  const interpreter = INTERPRETERS.get(path.posix.extname(runbook));
  if (interpreter === undefined) {
    return fail('unsupported_type', `runbook ${label} is not a supported type (expected .sh or .py)`);
  }
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
  return { ok: true, path: realTarget, interpreter };
}

function checkName(runbook: string, label: string): RunbookResolution | null {
  if (runbook.length === 0) return fail('invalid_name', 'runbook name is empty');
  if (runbook.length > MAX_NAME_LENGTH) return fail('invalid_name', `runbook name is longer than ${MAX_NAME_LENGTH}`);
  if (runbook.includes('\\')) return fail('invalid_name', `runbook ${label} must use '/' as separator, not '\\'`);
  if (CONTROL_CHARS.test(runbook)) return fail('invalid_name', `runbook ${label} contains control characters`);
  if (runbook.startsWith('/')) {
    return fail('outside_runbooks_dir', `runbook ${label} must be a path relative to the runbooks directory`);
  }
  const segments = runbook.split('/');
  if (segments.includes('..')) {
    return fail('outside_runbooks_dir', `runbook ${label} must not contain '..' segments`);
  }
  // Canonical names only, so the same runbook is always logged and audited under the same name.
  if (segments.some((s) => s === '' || s === '.')) {
    return fail('invalid_name', `runbook ${label} must not contain empty or '.' path segments`);
  }
  return null;
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

function fail(reason: RunbookResolutionFailure, message: string): RunbookResolution {
  return { ok: false, reason, message };
}
