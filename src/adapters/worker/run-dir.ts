// Run directories: one private directory per run, for its HOME and TMPDIR, alert file and AKS login, then removed.
import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type { RunUser } from '../../domain/worker/run-user';
import type { RunDir, RunDirSpec } from '../../services/worker/ports';
import { canLaunch, launch } from './launcher';
import type { StartedProcess } from './launcher';

// chmod and rm return at once; the cap only keeps a wedged file system from holding the worker forever.
const REMOVE_TIMEOUT_MS = 60_000;
// A process limit reached by runs ending together is usually gone a moment later.
const REMOVE_RETRY_MS = 1_000;

/**
 * Layout: <tmp>/cloudo-run-XXXXXX/ (0700) with home/ (0700), <execId>.json (0600) and aks/ (0700, with az/).
 * Everything is made while the directory is still the worker's alone and handed to `user` last, so no other process
 * can slip a link in that the worker would then write through.
 */
export function createRunDirs(user: RunUser | null): (spec: RunDirSpec) => Promise<RunDir> {
  return async (spec) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cloudo-run-'));
    try {
      const home = path.join(dir, 'home');
      const made = [home];
      await fs.mkdir(home, { mode: 0o700 });
      let alertFile: string | undefined;
      if (spec.alertJson !== null) {
        alertFile = path.join(dir, `${spec.execId}.json`);
        await fs.writeFile(alertFile, spec.alertJson, { mode: 0o600, flag: 'wx' });
        made.push(alertFile);
      }
      let aks: RunDir['aks'];
      if (spec.aks) {
        aks = { kubeconfig: path.join(dir, 'aks', 'kubeconfig'), azureConfigDir: path.join(dir, 'aks', 'az') };
        await fs.mkdir(aks.azureConfigDir, { recursive: true, mode: 0o700 });
        made.push(path.dirname(aks.kubeconfig), aks.azureConfigDir);
      }
      if (user) for (const p of [...made, dir]) await fs.lchown(p, user.uid, user.gid);
      return { home, ...(alertFile ? { alertFile } : {}), ...(aks ? { aks } : {}), dispose: () => remove(dir, user) };
    } catch (err) {
      await remove(dir, null);
      throw err;
    }
  };
}

/**
 * Never rejects. What a runbook left is removed by its own user, never walked by the root worker: a process of that
 * user (another run, or one that escaped with setsid) could swap a directory for a link mid-walk and have root delete
 * through it. If the removal cannot start (e.g. the user's process limit), it is tried once more, then left.
 */
async function remove(dir: string, user: RunUser | null): Promise<void> {
  if (user === null) return fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  const started =
    (await runAs(user, REMOVE_SCRIPT, dir)) ||
    (await sleep(REMOVE_RETRY_MS).then(() => runAs(user, REMOVE_SCRIPT, dir)));
  // rm cannot remove the directory itself where the temp directory is not world-writable; it is empty by now.
  if (started) await fs.rmdir(dir).catch(() => undefined);
  // Left: the next runbooks of that user must not read what it holds (an alert, an AKS login's tokens). Root takes
  // back the directory itself, through a descriptor that does not follow a link put in its place; nothing inside.
  else await takeBack(dir);
}

async function takeBack(dir: string): Promise<void> {
  const handle = await fs
    .open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)
    .catch(() => null);
  if (handle === null) return;
  try {
    await handle.chown(0, 0);
    await handle.chmod(0o700);
  } catch {
    // Nothing more to do without walking it.
  } finally {
    await handle.close();
  }
}

// One process for both steps: starting one costs the worker's event loop a fork and an exec wait.
// A runbook may have left directories it cannot read or write itself (chmod 000); rm would stop at them. The shell
// exits 127 when it cannot start rm (a failed rm exits 1), as `exec` does.
const REMOVE_SCRIPT = 'chmod -R u+rwx -- "$1"; exec rm -rf -- "$1"';
const NOT_STARTED = 127;

/** false when the removal could not be started; rm's own exit status does not matter, what it left is left. */
async function runAs(user: RunUser, script: string, dir: string): Promise<boolean> {
  // No environment at all: a process of the runbook user is readable by every runbook; sh, chmod and rm are found
  // on the default search path. The directory is an argument, never part of the script.
  const request = { file: 'sh', args: ['-c', script, 'sh', dir], env: {}, user, detached: false };
  // Through the launcher, where there is one, so the removal does not fork the worker (docs/performance.md).
  const removal = canLaunch()
    ? launch({ ...request, timeoutMs: REMOVE_TIMEOUT_MS })
    : Promise.resolve(request).then(spawnAs);
  const started = await removal.catch(() => null);
  if (started === null) return false;
  return new Promise((resolve) => {
    // The launcher kills it at its timeout; a launcher that stopped answering must not hold the run forever either.
    const late = setTimeout(() => resolve(true), REMOVE_TIMEOUT_MS + REMOVE_RETRY_MS);
    late.unref();
    const done = (removing: boolean) => {
      clearTimeout(late);
      resolve(removing);
    };
    // A start failure has an error code (ENOENT, EPERM…); a shell that could not start rm exits 127, as `exec` does.
    started.on('error', () => done(false));
    started.once('exit', (code) => done(code !== NOT_STARTED));
  });
}

function spawnAs({ file, args, user }: { file: string; args: string[]; user: RunUser }): StartedProcess {
  return spawn(file, args, { uid: user.uid, gid: user.gid, env: {}, timeout: REMOVE_TIMEOUT_MS, stdio: 'ignore' });
}
