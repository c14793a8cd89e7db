// Attack: runbook processes that leave the runbook's process group outlive the run: its end and its timeout.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/adapters/worker/process-runner';
import type { ProcessSpec, ProcessUser } from '../../../src/services/worker/ports';
import { readableDir } from '../../support/runbook-dirs';
import { isProcessAlive } from '../../support/proc-scan';

const PATH = process.env['PATH'] ?? '/usr/bin:/bin';
// As the image runs: a root worker hands runbooks to an unprivileged user.
const USER: ProcessUser | undefined = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
let dir = '';

beforeAll(() => {
  dir = readableDir('cloudo-attack-escape-');
});

afterAll(() => {
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

function spec(body: string, timeoutMs = 30_000): ProcessSpec {
  const file = path.join(dir, `r${Math.random().toString(36).slice(2)}.sh`);
  fs.writeFileSync(file, body, { mode: 0o755 });
  return {
    file: 'bash',
    args: [file],
    cwd: dir,
    env: { PATH },
    timeoutMs,
    killGraceMs: 500,
    maxOutputBytes: 65_536,
    ...(USER ? { user: USER } : {}),
  };
}

const isAlive = isProcessAlive;

/** Generous deadline for the kill to land; never a timing assertion. */
async function deadWithin(pid: number, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > until) return false;
    await sleep(50);
  }
  return true;
}

/** The pids a runbook printed, one per line; each is SIGKILLed afterwards so a failing test leaves nothing behind. */
async function escapees(outcome: { output: string }, check: (pids: number[]) => Promise<void>): Promise<void> {
  const pids = outcome.output
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
  try {
    expect(pids.length).toBeGreaterThan(0);
    await check(pids);
  } finally {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

// `timeout` puts itself and its command in a process group of their own, so that it can kill them as a group.
const TIMEOUT_JOB = 'timeout 300 sleep 300 >/dev/null 2>&1 &\necho $!\n';
// Any program may do the same, on purpose or not.
const OWN_GROUP = "python3 -c 'import os, time; os.setpgid(0, 0); print(os.getpid(), flush=True); time.sleep(300)' &\n";

describe.skipIf(process.platform !== 'linux')('runbook processes outside its process group', () => {
  it('are killed when the runbook exits: a background `timeout` job', async () => {
    const outcome = await runProcess(spec(`${TIMEOUT_JOB}sleep 0.5\nexit 0\n`));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
    await escapees(outcome, async (pids) => {
      for (const pid of pids) expect(await deadWithin(pid), `pid ${pid} outlived the run`).toBe(true);
    });
  });

  it('are killed at the timeout: a `timeout` job and a process that made its own group', async () => {
    const outcome = await runProcess(spec(`${TIMEOUT_JOB}${OWN_GROUP}sleep 1\nsleep 300\n`, 2_000));
    expect(outcome).toMatchObject({ kind: 'timed_out' });
    await escapees(outcome, async (pids) => {
      expect(pids).toHaveLength(2);
      for (const pid of pids) expect(await deadWithin(pid), `pid ${pid} outlived the timeout`).toBe(true);
    });
  });

  // Not fixed: a new session leaves every trace the worker could follow without a cgroup, a PID namespace or a uid
  // of the run's own (see the attack report). It then runs on, as the runbook user, after the run has ended.
  it.fails('are killed when the runbook exits: a descendant that left the session with setsid', async () => {
    const body = 'setsid sleep 300 >/dev/null 2>&1 < /dev/null &\necho $!\nsleep 0.5\nexit 0\n';
    const outcome = await runProcess(spec(body));
    await escapees(outcome, async (pids) => {
      for (const pid of pids) expect(await deadWithin(pid, 3_000), `pid ${pid} outlived the run`).toBe(true);
    });
  });
});
