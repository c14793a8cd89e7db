// Alert files: the original alert JSON of one execution, in a private temporary file that lives for one run.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AlertFile } from '../services/runner-ports';

/** Writes the payload to a 0600 file in a fresh 0700 directory; dispose() removes both. */
export async function createAlertFile(execId: string, json: string): Promise<AlertFile> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cloudo-alert-'));
  const file = path.join(dir, `${execId}.json`);
  await fs.writeFile(file, json, { mode: 0o600 });
  return { path: file, dispose: () => fs.rm(dir, { recursive: true, force: true }) };
}
