// Runbook staging: a copy of the runbooks that the runbook user can reach and read, but not change.
import { chmodSync, cpSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Copies `source` into a new directory under the temp directory, owned by ClouDO: directories 0755, files 0644
 * (0755 if their owner may execute them). Symbolic links are copied as links, never followed, so nothing outside
 * the runbooks is exposed. Synchronous: it runs once at start-up, before the host indexes the functions.
 */
export function stageRunbooks(source: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-runbooks-'));
  try {
    cpSync(source, dir, { recursive: true, dereference: false, verbatimSymlinks: true, preserveTimestamps: true });
    openUp(dir);
    return dir;
  } catch (err) {
    removeStaged(dir);
    throw err;
  }
}

/** Makes the copy in `dir` again from `source`, after the runbooks changed: what was removed there goes too. */
export function restageRunbooks(source: string, dir: string): void {
  for (const entry of readdirSync(dir)) rmSync(path.join(dir, entry), { recursive: true, force: true });
  cpSync(source, dir, { recursive: true, dereference: false, verbatimSymlinks: true, preserveTimestamps: true });
  openUp(dir);
}

export function removeStaged(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const target = path.join(dir, entry.name);
    if (entry.isDirectory()) openUp(target);
    else if (entry.isFile()) chmodSync(target, lstatSync(target).mode & 0o100 ? 0o755 : 0o644);
  }
}
