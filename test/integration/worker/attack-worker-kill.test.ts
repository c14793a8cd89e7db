// Attack: a runbook must not outlive a SIGKILL of its worker (and with it its timeout): the session reaper kills it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/proc-scan';
import { readableDir, writableDir } from '../../support/runbook-dirs';
import { startRuntimeProcess, type RuntimeProcess } from '../../support/runtime-process';
import { call, mappingDoc } from '../../support/test-runtime';
import { isProcessAlive } from '../../support/proc-scan';

const dir = readableDir('cloudo-attack-kill-');
const out = writableDir('cloudo-attack-kill-out-');
let rt: RuntimeProcess | undefined;
let orphans: number[] = [];

mkdirSync(path.join(dir, 'runbooks'), { mode: 0o755 });
mkdirSync(path.join(dir, 'schemas'), { mode: 0o755 });
// The runbook and a child in a group of its own (as `timeout` makes), each writing its pid: both must go. So must the
// runbook's parent, the worker's process launcher.
const LONG = 'set -m\nsleep 300 &\necho "$$ $! $PPID" > "$OUT_DIR/$CLOUDO_EXEC_ID.pid"\nwait\n';
writeFileSync(path.join(dir, 'runbooks', 'long.sh'), LONG, { mode: 0o755 });
const doc = mappingDoc('k', [{ id: 'long', name: 'long', runbook: 'long.sh', timeout: 5, env: { OUT_DIR: out } }]);
writeFileSync(path.join(dir, 'schemas', 'm.json'), JSON.stringify(doc));

afterAll(async () => {
  await rt?.stop('SIGKILL');
  for (const pid of orphans) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const d of [dir, out]) rmSync(d, { recursive: true, force: true });
});

const isAlive = isProcessAlive;

describe.skipIf(process.platform !== 'linux')('a worker killed with SIGKILL mid-run', () => {
  it("takes its runbook and the runbook's children with it, at the latest by the runbook timeout", async () => {
    const env = { PATH: process.env['PATH'] ?? '', PORT: '0', CLOUDO_LOCAL_STORAGE: 'memory' };
    rt = await startRuntimeProcess({ dir, env });
    const accepted = await call('POST', `${rt.url}/api/Trigger?id=long`);
    expect(accepted.status).toBe(202);
    const pidFile = path.join(out, `${String(accepted.body['execId'])}.pid`);
    await waitFor('the runbook started', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
    orphans = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    expect(orphans).toHaveLength(3);
    expect(orphans[2]).not.toBe(rt.pid);
    await rt.stop('SIGKILL');
    // The reaper acts as soon as the worker's end of its pipe closes; the bound is the mapping's 5 s timeout and more.
    await waitFor('the orphaned runbook, its child and the launcher gone', () => !orphans.some(isAlive), 25_000);
  });
});
