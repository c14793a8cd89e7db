// Storage of a fault test's own: an Azurite it may kill and restart, and a file each run of its runbook appends to.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/local/free-port';
import { startAzuriteServices, type AzuriteServices } from './azurite-services';

export type Cleanups = (() => Promise<unknown>)[];

/** Started, with its removal pushed onto `cleanups` (run in reverse by the test's afterEach). */
export async function startOwnStorage(
  prefix: string,
  cleanups: Cleanups,
): Promise<{ az: AzuriteServices; ranFile: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  // The runbook appends to this file, whichever unprivileged user runs it.
  chmodSync(dir, 0o777);
  const ranFile = path.join(dir, 'ran.txt');
  writeFileSync(ranFile, '', { mode: 0o666 });
  chmodSync(ranFile, 0o666);
  const az = await startAzuriteServices(path.join(dir, 'azurite'), {
    table: await freePort(),
    queue: await freePort(),
  });
  cleanups.push(() => az.stop());
  return { az, ranFile };
}
