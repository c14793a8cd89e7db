// The data directory lock with real processes: a live holder refuses, an orphan is waited for, a dead one is stale.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../../src/local/data-dir-lock';

const root = mkdtempSync(path.join(os.tmpdir(), 'cloudo-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const freshDir = (name: string): string => mkdtempSync(path.join(root, `${name}-`));

// Stands in for an Azurite service: a process whose command line names the directory, as Azurite's --location does.
function holder(dir: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)', '--', '--location', dir]);
  children.push(child);
  return child;
}

function writeLock(dir: string, pid: number, parentPid: number): void {
  writeFileSync(path.join(dir, 'cloudo-azurite.lock'), JSON.stringify({ pid, parentPid }));
}

describe('acquireDataDirLock', () => {
  it('is refused while a live runtime holds the directory, naming that runtime', async () => {
    const dir = freshDir('live');
    const child = holder(dir);
    writeLock(dir, child.pid!, process.pid);
    await expect(acquireDataDirLock(dir, 0)).rejects.toThrow(
      `The data directory ${dir} is in use by another ClouDO runtime (pid ${process.pid}).`,
    );
  });

  it('waits for an Azurite whose runtime is gone (it is saving on its way out), then takes the directory', async () => {
    const dir = freshDir('orphan');
    const child = holder(dir);
    // Its recorded parent is not its parent: as after ClouDO died and the orphan was handed to init.
    writeLock(dir, child.pid!, 999_999);
    let killed = false;
    const acquiring = acquireDataDirLock(dir, 30_000);
    setTimeout(() => ((killed = true), child.kill('SIGKILL')), 300);
    const release = await acquiring;
    expect(killed).toBe(true);
    release();
    expect(existsSync(path.join(dir, 'cloudo-azurite.lock'))).toBe(false);
  });

  it('gives up on an orphan that does not exit, saying which process to stop', async () => {
    const dir = freshDir('stuck');
    const child = holder(dir);
    writeLock(dir, child.pid!, 999_999);
    await expect(acquireDataDirLock(dir, 200)).rejects.toThrow(
      `is still held by Azurite process ${child.pid}, left behind by a ClouDO runtime that ended`,
    );
  });

  it('takes over the lock of a holder that died, or of a pid now used by another program', async () => {
    for (const pid of [2 ** 22 + 1, process.pid]) {
      const dir = freshDir('stale');
      writeLock(dir, pid, process.pid);
      const release = await acquireDataDirLock(dir, 0);
      release();
    }
  });
});
