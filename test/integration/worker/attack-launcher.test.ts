// Attack: the process launcher, from a runbook (as the runbook user) and through faults (the launcher or worker killed).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { launch } from '../../../src/adapters/worker/launcher';
import { runProcess } from '../../../src/adapters/worker/process-runner';
import type { ProcessSpec, ProcessUser } from '../../../src/services/worker/ports';
import { isProcessAlive, waitFor } from '../../support/proc-scan';
import { readableDir, writableDir } from '../../support/runbook-dirs';

const PATH = process.env['PATH'] ?? '/usr/bin:/bin';
// As the image runs: a root worker hands runbooks to an unprivileged user.
const USER: ProcessUser | undefined = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
const dir = readableDir('cloudo-attack-launcher-');
const out = writableDir('cloudo-attack-launcher-out-');
const leftovers: number[] = [];

afterAll(() => {
  for (const pid of leftovers) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const d of [dir, out]) rmSync(d, { recursive: true, force: true });
});

const spec = (body: string, overrides: Partial<ProcessSpec> = {}): ProcessSpec => ({
  file: 'bash',
  args: ['-c', body],
  cwd: dir,
  env: { PATH },
  timeoutMs: 30_000,
  killGraceMs: 500,
  maxOutputBytes: 65_536,
  ...(USER ? { user: USER } : {}),
  ...overrides,
});

/** "pid (comm) state ppid …": the state and the parent, counted from the last ')'. */
function stat(pid: number): { state: string; ppid: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const [state = '', ppid = ''] = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

/** Blocks this process's event loop (nothing it is told is read meanwhile) until `check` holds. */
function blockUntil(what: string, check: () => boolean, ms = 10_000): void {
  const until = Date.now() + ms;
  while (!check()) if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
}

const lines = (text: string) => text.trim().split('\n');

const LAUNCHER_MODULE = path.resolve(__dirname, '../../../src/adapters/worker/launcher');

/** Runs `script` (CommonJS, may require TypeScript sources) as a worker of its own, until it exits. */
async function runWorker(script: string): Promise<void> {
  const file = path.join(dir, `worker-${Math.random().toString(36).slice(2)}.cjs`);
  writeFileSync(file, script);
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), file], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
}

// As another user only: a runbook of the worker's own user may do all of this, and gains nothing it did not have.
describe.skipIf(process.platform !== 'linux' || USER === undefined)('a runbook against its launcher', () => {
  it('gets fd 0 to 2 only, and cannot read, signal, trace or write to the launcher', async () => {
    const body = [
      'ls /proc/self/fd | tr "\\n" " "; echo',
      // Its parent is the launcher: root, a plain pipe on its stdin and stdout.
      'cat /proc/$PPID/environ >/dev/null 2>&1 && echo environ-read',
      'ls /proc/$PPID/fd >/dev/null 2>&1 && echo fd-listed',
      'echo x 2>/dev/null > /proc/$PPID/fd/0 && echo stdin-written',
      'head -c1 /proc/$PPID/mem >/dev/null 2>&1 && echo mem-read',
      'kill -0 $PPID 2>/dev/null && echo signalled',
      "python3 -c 'import ctypes,sys; sys.exit(ctypes.CDLL(None).ptrace(16, int(sys.argv[1]), 0, 0) != 0)' $PPID " +
        '2>/dev/null && echo traced',
      'echo done',
    ].join('\n');
    const outcome = await runProcess(spec(body));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
    // ls itself holds one more (the directory it reads): fd 3.
    expect(lines(outcome.output)).toEqual(['0 1 2 3 ', 'done']);
  });

  it('a runbook that fills its environment and arguments with newlines, NULs, lone surrogates or 1 MB breaks nothing', async () => {
    const odd = await runProcess(
      spec('printf "%s|%s" "$A" "$1" | od -An -c | tr -s " "', {
        args: ['-c', 'printf "%s|%s" "$A" "$1"', 'sh', '\n{"id":1}\n\ud800x'],
        env: { PATH, A: '"}\n{"id":2,"file":"/bin/sh"}\n' },
      }),
    );
    expect(odd).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(odd.output).toBe('"}\n{"id":2,"file":"/bin/sh"}\n|\n{"id":1}\n\ufffdx');
    const huge = await runProcess(spec('echo no', { env: { PATH, BIG: 'x'.repeat(1 << 20) } }));
    expect(huge).toMatchObject({ kind: 'spawn_failed' });
    const nul = await runProcess(spec('echo no', { env: { PATH, A: 'a\0b' } }));
    expect(nul).toMatchObject({ kind: 'spawn_failed' });
    await expect(runProcess(spec('echo ok'))).resolves.toMatchObject({ kind: 'exited', output: 'ok\n' });
  });
});

describe.skipIf(process.platform !== 'linux')('the launcher killed', () => {
  // Repeated, each time with a new launcher: which of its exit and its last answer the worker sees first is a race.
  it('right after it started a runbook, before the worker read the answer: the runbook is not left unwatched', async () => {
    for (let round = 0; round < 5; round++) {
      const mark = path.join(out, `started-b${round}`);
      const started = launch({
        file: 'bash',
        args: ['-c', `echo $$ > ${mark}; exec sleep 300`],
        env: { PATH },
        detached: true,
        ...(USER ? { user: USER } : {}),
      });
      // The launcher has answered (the runbook runs) but this worker has not read it; then the launcher dies.
      blockUntil('the runbook started', () => existsSync(mark) && readFileSync(mark, 'utf8').endsWith('\n'));
      const pid = Number(readFileSync(mark, 'utf8'));
      leftovers.push(pid);
      const launcher = stat(pid)?.ppid ?? 0;
      expect(launcher).not.toBe(process.pid);
      // Back in epoll_wait: it has written its answer (a launcher killed before that is a window the ADR accepts).
      blockUntil('the launcher answered', () => readFileSync(`/proc/${launcher}/wchan`, 'latin1') === 'do_epoll_wait');
      process.kill(launcher, 'SIGKILL');
      blockUntil('the launcher dead', () => stat(launcher)?.state === 'Z');
      const child = await started;
      const event = await new Promise<string>((resolve) => {
        child.on('error', (err) => resolve(`error ${err.message}`));
        child.once('exit', (code, signal) => resolve(`exit ${String(code)} ${String(signal)}`));
      });
      // Reported as started and then killed, so the runner kills its session; not as never started, left to run on.
      expect({ pid: child.pid, event }).toEqual({ pid, event: 'exit null SIGKILL' });
    }
  });
  it('while many runs start: each run settles once, none is left running, and later runs start again', async () => {
    const pids: number[] = [];
    let launcher = 0;
    const onOutput = (chunk: Buffer) => {
      const [pid = 0, parent = 0] = String(chunk).trim().split(' ').map(Number);
      pids.push(pid);
      leftovers.push(pid);
      if (launcher === 0) {
        launcher = parent;
        process.kill(launcher, 'SIGKILL');
      }
    };
    const runs = Array.from({ length: 20 }, () => runProcess(spec('echo $$ $PPID; exec sleep 300', { onOutput })));
    const outcomes = await Promise.all(runs);
    for (const o of outcomes)
      expect(['exited SIGKILL', 'spawn_failed']).toContain(`${o.kind}${o.signal ? ` ${o.signal}` : ''}`);
    await waitFor('every runbook gone', () => !pids.some(isProcessAlive), 10_000);
    await expect(runProcess(spec('echo ok'))).resolves.toMatchObject({ kind: 'exited', output: 'ok\n' });
  });
});

describe.skipIf(process.platform !== 'linux')('the worker killed', () => {
  it('right after it asked for a start: the launcher starts nothing for a worker that is gone', async () => {
    const mark = path.join(out, 'started-c');
    const worker = [
      `const { launch } = require(${JSON.stringify(LAUNCHER_MODULE)});`,
      `void launch(${JSON.stringify({
        file: 'bash',
        args: ['-c', `sleep 0.5; echo $$ > ${mark}; exec sleep 300`],
        env: { PATH },
        detached: true,
        ...(USER ? { user: USER } : {}),
      })});`,
      // The request is in the launcher's pipe (written at once); the launcher is still starting up.
      "process.kill(process.pid, 'SIGKILL');",
    ].join('\n');
    await runWorker(worker);
    await sleep(2_000);
    if (existsSync(mark)) leftovers.push(Number(readFileSync(mark, 'utf8')));
    // Nobody would stop it: its worker, with its timeout, is gone, and the reaper never heard of it.
    expect(existsSync(mark)).toBe(false);
  });

  it('after the launcher started a runbook, before the worker read its pid (so told the reaper): the runbook goes', async () => {
    const mark = path.join(out, 'started-d');
    const worker = [
      "const { existsSync, readFileSync } = require('node:fs');",
      `const { launch } = require(${JSON.stringify(LAUNCHER_MODULE)});`,
      `void launch(${JSON.stringify({
        file: 'bash',
        args: ['-c', `echo $$ > ${mark}; exec sleep 300`],
        env: { PATH },
        detached: true,
        ...(USER ? { user: USER } : {}),
      })});`,
      // A busy event loop: the runbook runs, and the worker has not read its pid when it is killed.
      `while (!(existsSync(${JSON.stringify(mark)}) && readFileSync(${JSON.stringify(mark)}, 'utf8').endsWith('\\n'))) {}`,
      "process.kill(process.pid, 'SIGKILL');",
    ].join('\n');
    await runWorker(worker);
    const pid = Number(readFileSync(mark, 'utf8'));
    leftovers.push(pid);
    await waitFor('the runbook gone', () => !isProcessAlive(pid), 10_000);
  });
});
