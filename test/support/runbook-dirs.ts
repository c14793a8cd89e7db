// Directories shared with test runbooks, which run as another user (`nobody`) when the tests run as root, as in CI.
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory the runbook user may traverse and read (runbooks, a project). */
export function readableDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  // mkdtemp makes it 0700: only the test's own user could enter it.
  chmodSync(dir, 0o755);
  return dir;
}

/** A fresh temp directory test runbooks write into (OUT_DIR): writable by anyone, like /tmp. */
export function writableDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o1777);
  return dir;
}
