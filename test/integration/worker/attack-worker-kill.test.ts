// Attack: a runbook outlives a SIGKILL of its worker, and with it its timeout: nothing is left to kill it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/proc-scan';
import { readableDir, writableDir } from '../../support/runbook-dirs';
import { startRuntimeProcess, type RuntimeProcess } from '../../support/runtime-process';
import { call, mappingDoc } from '../../support/test-runtime';

const dir = readableDir('cloudo-attack-kill-');
const out = writableDir('cloudo-attack-kill-out-');
let rt: RuntimeProcess | undefined;
let orphan: number | undefined;

mkdirSync(path.join(dir, 'runbooks'), { mode: 0o755 });
mkdirSync(path.join(dir, 'schemas'), { mode: 0o755 });
// The runbook itself, no descendant: it only has to stay where the worker started it.
writeFileSync(path.join(dir, 'runbooks', 'long.sh'), 'echo $$ > "$OUT_DIR/$CLOUDO_EXEC_ID.pid"\nexec sleep 300\n', {
  mode: 0o755,
});
const doc = mappingDoc('k', [{ id: 'long', name: 'long', runbook: 'long.sh', timeout: 5, env: { OUT_DIR: out } }]);
writeFileSync(path.join(dir, 'schemas', 'm.json'), JSON.stringify(doc));

afterAll(async () => {
  await rt?.stop('SIGKILL');
  if (orphan !== undefined && isAlive(orphan)) process.kill(orphan, 'SIGKILL');
  for (const d of [dir, out]) rmSync(d, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe.skipIf(process.platform !== 'linux')('a worker killed with SIGKILL mid-run', () => {
  // Not fixed: see the attack report (a per-run uid, a cgroup or a PID namespace would let the next start kill it).
  it.fails('takes its runbook with it, at the latest by the runbook timeout', async () => {
    const env = { PATH: process.env['PATH'] ?? '', PORT: '0', CLOUDO_LOCAL_STORAGE: 'memory' };
    rt = await startRuntimeProcess({ dir, env });
    const accepted = await call('POST', `${rt.url}/api/Trigger?id=long`);
    expect(accepted.status).toBe(202);
    const pidFile = path.join(out, `${String(accepted.body['execId'])}.pid`);
    await waitFor('the runbook started', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
    orphan = Number(readFileSync(pidFile, 'utf8').trim());
    await rt.stop('SIGKILL');
    // Past the mapping's 5 s timeout and the kill grace: a supervised run would be gone by now.
    await waitFor('the orphaned runbook gone', () => !isAlive(orphan!), 25_000);
  });
});
