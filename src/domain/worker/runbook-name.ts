// Runbook names: the lexical rules for a runbook path inside the runbooks directory, and its interpreter.

export type RunbookInterpreter = 'bash' | 'python';

export type RunbookResolutionFailure = 'invalid_name' | 'outside_runbooks_dir' | 'not_found' | 'unsupported_type';

export type RunbookFailure = { ok: false; reason: RunbookResolutionFailure; message: string };

/** A runbook found: its real path, its interpreter, and the SHA-256 of the file as found (what runs). */
export type RunbookResolution =
  { ok: true; path: string; interpreter: RunbookInterpreter; sha256: string } | RunbookFailure;

const INTERPRETERS: Readonly<Record<string, RunbookInterpreter>> = { sh: 'bash', py: 'python' };
const MAX_NAME_LENGTH = 1024;
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Checks a name without touching the file system; mapping files and the worker apply the same rules. */
export function checkRunbookName(runbook: string): { ok: true; interpreter: RunbookInterpreter } | RunbookFailure {
  const label = JSON.stringify(runbook);
  if (runbook.length === 0) return fail('invalid_name', 'runbook name is empty');
  if (runbook.length > MAX_NAME_LENGTH) return fail('invalid_name', `runbook name is longer than ${MAX_NAME_LENGTH}`);
  if (runbook.includes('\\')) return fail('invalid_name', `runbook ${label} must use '/' as separator, not '\\'`);
  if (CONTROL_CHARS.test(runbook)) return fail('invalid_name', `runbook ${label} contains control characters`);
  if (runbook.startsWith('/')) {
    return fail('outside_runbooks_dir', `runbook ${label} must be a path relative to the runbooks directory`);
  }
  const segments = runbook.split('/');
  if (segments.includes('..')) return fail('outside_runbooks_dir', `runbook ${label} must not contain '..' segments`);
  // Canonical names only, so the same runbook is always logged and audited under the same name.
  if (segments.some((s) => s === '' || s === '.')) {
    return fail('invalid_name', `runbook ${label} must not contain empty or '.' path segments`);
  }
  const base = segments.at(-1) ?? '';
  const dot = base.lastIndexOf('.');
  const interpreter = dot > 0 ? INTERPRETERS[base.slice(dot + 1)] : undefined;
  if (interpreter === undefined) {
    return fail('unsupported_type', `runbook ${label} is not a supported type (expected .sh or .py)`);
  }
  return { ok: true, interpreter };
}

export function fail(reason: RunbookResolutionFailure, message: string): RunbookFailure {
  return { ok: false, reason, message };
}
