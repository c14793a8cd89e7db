// Integration tests for the process runner with real bash/python subprocesses (no child_process mocks).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { releasePooledFifos } from '../../../src/adapters/worker/fifo-pool';
import { runProcess } from '../../../src/adapters/worker/process-runner';
import type { ProcessSpec } from '../../../src/services/worker/ports';
import { isProcessAlive } from '../../support/proc-scan';

const PATH = process.env['PATH'] ?? '/usr/bin:/bin';
let dir = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudo-runner-'));
});

afterAll(() => {
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

function spec(overrides: Partial<ProcessSpec>): ProcessSpec {
  return {
    file: 'bash',
    args: [],
    cwd: dir,
    env: { PATH },
    timeoutMs: 30_000,
    killGraceMs: 1_000,
    maxOutputBytes: 65_536,
    ...overrides,
  };
}

const isAlive = isProcessAlive;

/** Prefix of the temp directories of this worker's output channels (runProcess names them after its pid). */
const outDirPrefix = (): string => path.join(os.tmpdir(), `cloudo-out-${process.pid}-`);

function outDirsLeft(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => path.join(os.tmpdir(), name).startsWith(outDirPrefix()));
}

/** Runs fn with the worker's own environment variable changed, e.g. to hide mkfifo or the temp directory. */
async function withWorkerEnv<T>(name: 'PATH' | 'TMPDIR', value: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = saved;
  }
}

/** Signal delivery and reaping are asynchronous, so give a dead process a moment to disappear. */
async function waitUntilDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(50);
  return !isAlive(pid);
}

describe('runProcess', () => {
  it('runs a bash runbook with arguments and captures its output', async () => {
    const file = script('ok.sh', 'echo "hello $1"; echo "second=$2"\n');
    const outcome = await runProcess(spec({ args: [file, 'world', 'two words'] }));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, signal: null, truncated: false });
    expect(outcome.output).toBe('hello world\nsecond=two words\n');
    expect(outcome.outputBytes).toBe(Buffer.byteLength(outcome.output));
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(outcome.error).toBeUndefined();
  });

  it('runs a python runbook with python3', async () => {
    const file = script('ok.py', 'import sys\nprint("py " + sys.argv[1])\n');
    // HOME is passed because python3 may be a pyenv shim that needs it.
    const env = { PATH, HOME: process.env['HOME'] ?? '/root' };
    const outcome = await runProcess(spec({ file: 'python3', args: [file, 'arg'], env }));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, output: 'py arg\n' });
  });

  it('reports a non-zero exit code', async () => {
    const file = script('fail.sh', 'echo failing >&2\nexit 3\n');
    const outcome = await runProcess(spec({ args: [file] }));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 3, signal: null, output: 'failing\n' });
  });

  it('interleaves stdout and stderr exactly in write order, run after run', async () => {
    const file = script('interleave.sh', 'for i in $(seq 1 200); do echo out$i; echo err$i >&2; done\n');
    const expected = Array.from({ length: 200 }, (_, i) => `out${i + 1}\nerr${i + 1}\n`).join('');
    // Ten runs in a row, so a pass cannot be a lucky scheduling: with two pipes this order is almost never kept.
    for (let run = 0; run < 10; run++) {
      const outcome = await runProcess(spec({ args: [file] }));
      expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, output: expected });
    }
    expect(outDirsLeft()).toEqual([]);
  });

  it('gives fd 1 and fd 2 one shared FIFO, as 2>&1 does', async () => {
    const body = '[ -p /dev/stdout ] && [ -p /dev/stderr ] && echo fifo; stat -L -c %i /proc/$$/fd/1 /proc/$$/fd/2';
    const outcome = await runProcess(spec({ args: ['-c', body] }));
    const [kind, fd1, fd2] = outcome.output.trim().split('\n');
    expect(kind).toBe('fifo');
    expect(fd1).toMatch(/^\d+$/);
    expect(fd2).toBe(fd1);
  });

  it('lets a runbook reopen /dev/stdout, /dev/stderr and /proc/self/fd/N, keeping the order', async () => {
    const file = script(
      'reopen.sh',
      'echo out > /dev/stdout; echo err > /dev/stderr; echo via-proc > /proc/self/fd/2\n',
    );
    for (let run = 0; run < 3; run++) {
      const outcome = await runProcess(spec({ args: [file] }));
      expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, output: 'out\nerr\nvia-proc\n' });
    }
  });

  it('gives each of many concurrent runs a FIFO of its own, and a runbook no other FIFO', async () => {
    // More runs than FIFOs made at a time; each lists what its fds are: of the worker's FIFOs, only its own.
    const body = 'ls -l /proc/$$/fd | sed -n "s/.* \\([0-9]*\\) -> \\(.*\\)/\\1 \\2/p"; true';
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => runProcess(spec({ args: ['-c', body] }))));
    const held = outcomes.map((o) => o.output.split('\n').filter((line) => line.includes('cloudo-out-')));
    for (const fds of held) {
      expect(fds.map((line) => line.split(' ')[0])).toEqual(['1', '2']);
      expect(fds[0]?.split(' ')[1]).toBe(fds[1]?.split(' ')[1]);
    }
    expect(new Set(held.map((fds) => fds[0]?.split(' ')[1])).size).toBe(outcomes.length);
    expect(outDirsLeft()).toEqual([]);
  });

  it('leaves nothing on disk while the runbook runs', async () => {
    const file = script('count-dirs.sh', 'ls -d "$OUT_DIR_PREFIX"* 2>/dev/null | wc -l\n');
    const outcome = await runProcess(spec({ args: [file], env: { PATH, OUT_DIR_PREFIX: outDirPrefix() } }));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(outcome.output.trim()).toBe('0');
  });

  it('leaves no temp directory behind, whatever the outcome', async () => {
    const outcomes = [
      await runProcess(spec({ args: ['-c', 'exit 1'] })),
      await runProcess(spec({ args: ['-c', 'sleep 300'], timeoutMs: 200 })),
      await runProcess(spec({ file: 'no-such-interpreter-xyz' })),
      await runProcess(spec({ args: ['nul\0byte'] })),
      await runProcess(spec({ maxOutputBytes: -1 })),
    ];
    expect(outcomes.map((o) => o.kind)).toEqual([
      'exited',
      'timed_out',
      'spawn_failed',
      'spawn_failed',
      'spawn_failed',
    ]);
    expect(outDirsLeft()).toEqual([]);
  });

  it('falls back to one shared socket, still in exact order, when mkfifo is unavailable', async () => {
    const file = script(
      'no-fifo.sh',
      'for i in $(seq 1 200); do echo out$i; echo err$i >&2; done\nreadlink /proc/$$/fd/1 /proc/$$/fd/2\n',
    );
    const expected = Array.from({ length: 200 }, (_, i) => `out${i + 1}\nerr${i + 1}\n`).join('');
    // runProcess looks mkfifo up on the worker's PATH; the runbook keeps its own PATH from the spec. FIFOs made
    // earlier are let go, so this run needs a new one.
    releasePooledFifos();
    const outcome = await withWorkerEnv('PATH', path.join(dir, 'empty-path'), () => runProcess(spec({ args: [file] })));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(outcome.output.startsWith(expected)).toBe(true);
    const [fd1, fd2] = outcome.output.slice(expected.length).trim().split('\n');
    expect(fd1).toMatch(/^socket:\[\d+\]$/);
    expect(fd2).toBe(fd1);
    expect(outDirsLeft()).toEqual([]);
  });

  it('falls back to two pipes, keeping all output, when no temp directory can be created', async () => {
    const file = script('fallback.sh', 'echo out; echo err >&2; readlink /proc/$$/fd/1 /proc/$$/fd/2\n');
    releasePooledFifos();
    const outcome = await withWorkerEnv('TMPDIR', path.join(dir, 'no-such-tmpdir'), () =>
      runProcess(spec({ args: [file] })),
    );
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
    // Lines from the two pipes may arrive in any order, which is exactly what the shared channel prevents.
    const lines = outcome.output.trim().split('\n').sort();
    expect(lines).toEqual(['err', 'out', expect.stringMatching(/^socket:/), expect.stringMatching(/^socket:/)]);
    expect(lines[2]).not.toBe(lines[3]);
  });

  it('times out a runbook that ignores SIGTERM and kills its grandchild too', async () => {
    const file = script('stubborn.sh', "trap '' TERM\nsleep 300 &\necho $!\nwait\nwait\n");
    const outcome = await runProcess(spec({ args: [file], timeoutMs: 1_000, killGraceMs: 500 }));
    expect(outcome.kind).toBe('timed_out');
    expect(outcome.signal).toBe('SIGKILL');
    expect(outcome.exitCode).toBeNull();
    const grandchild = Number(outcome.output.trim());
    expect(Number.isInteger(grandchild) && grandchild > 0).toBe(true);
    expect(await waitUntilDead(grandchild)).toBe(true);
  });

  it('reports timed_out with SIGTERM when the runbook honours it', async () => {
    const outcome = await runProcess(spec({ args: ['-c', 'sleep 300'], timeoutMs: 300, killGraceMs: 10_000 }));
    expect(outcome).toMatchObject({ kind: 'timed_out', signal: 'SIGTERM', exitCode: null });
  });

  it('does not hang on a background grandchild left running after exit 0, and kills it', async () => {
    const file = script('leaky.sh', 'sleep 300 &\necho $!\nexit 0\n');
    const outcome = await runProcess(spec({ args: [file] }));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(await waitUntilDead(Number(outcome.output.trim()))).toBe(true);
  });

  it('stops waiting for a descendant that escaped the process group and holds the channel open', async () => {
    // The loop waits until the child is its own session leader, so the SIGKILL to the group can no longer reach it.
    const body = 'setsid sleep 30 & until [ "$(cut -d" " -f6 /proc/$!/stat)" = $! ]; do sleep 0.01; done; echo $!';
    const outcome = await runProcess(spec({ args: ['-c', body] }));
    const escapee = Number(outcome.output.trim());
    try {
      expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
      // The 2 s drain cap, not the 30 s sleep, ends the run.
      expect(outcome.durationMs).toBeGreaterThanOrEqual(1_900);
      expect(outcome.durationMs).toBeLessThan(10_000);
    } finally {
      if (Number.isInteger(escapee) && escapee > 0) process.kill(escapee, 'SIGKILL');
    }
  });

  it('reports a missing interpreter as spawn_failed without throwing', async () => {
    const outcome = await runProcess(spec({ file: 'no-such-interpreter-xyz', args: ['x.sh'] }));
    expect(outcome).toMatchObject({ kind: 'spawn_failed', exitCode: null, signal: null, output: '', outputBytes: 0 });
    expect(outcome.error).toBe('interpreter not found: no-such-interpreter-xyz');
  });

  it('reports a missing working directory as spawn_failed', async () => {
    const outcome = await runProcess(spec({ cwd: path.join(dir, 'no-such-dir') }));
    expect(outcome.kind).toBe('spawn_failed');
    expect(outcome.error).toMatch(/^working directory not found/);
  });

  it('reports a non-executable interpreter as spawn_failed', async () => {
    const file = script('not-executable', '#!/bin/sh\n');
    const outcome = await runProcess(spec({ file }));
    expect(outcome.kind).toBe('spawn_failed');
    expect(outcome.error).toMatch(/permission denied/);
  });

  it('drains a runbook writing 1 MB to stderr only', async () => {
    const file = script('stderr.sh', "head -c 1048576 /dev/zero | tr '\\0' 'e' >&2\necho done\n");
    const outcome = await runProcess(spec({ args: [file], maxOutputBytes: 4_096 }));
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, truncated: true });
    expect(outcome.outputBytes).toBeGreaterThanOrEqual(1_048_576);
    expect(outcome.output).toMatch(/^e{1024}\n…\[ClouDO: \d+ bytes of output omitted\]…\n/);
    expect(outcome.output.length).toBeLessThanOrEqual(4_096 + 100);
  });

  it('keeps memory bounded for ~300 MB of output', async () => {
    const file = script('huge.sh', "head -c 300000000 /dev/zero | tr '\\0' 'x'\necho END\n");
    const cap = 256 * 1024;
    const rssBefore = process.memoryUsage().rss;
    const outcome = await runProcess(spec({ args: [file], maxOutputBytes: cap, timeoutMs: 120_000 }));
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, truncated: true, outputBytes: 300_000_004 });
    expect(outcome.output.length).toBeLessThanOrEqual(cap + 100);
    expect(outcome.output.endsWith('xxxxEND\n')).toBe(true);
    expect(rssGrowth).toBeLessThan(150 * 1024 * 1024);
  }, 120_000);

  it('passes exactly the given environment and nothing from the parent', async () => {
    const outcome = await runProcess(spec({ file: 'env', env: { PATH, FOO: 'bar' } }));
    expect(outcome.kind).toBe('exited');
    const lines = outcome.output.trim().split('\n').sort();
    expect(lines).toEqual(['FOO=bar', `PATH=${PATH}`]);
  });

  it('passes arguments verbatim, without any shell interpretation', async () => {
    const args = ['-c', 'printf "%s|" "$@"', 'argv0', '$HOME', '*', 'a b', "'q'", '; echo pwned'];
    const outcome = await runProcess(spec({ args }));
    expect(outcome.output).toBe("$HOME|*|a b|'q'|; echo pwned|");
  });
});

const ROOT = process.getuid?.() === 0;
// Any unprivileged ids do; these are nobody's on Debian, and need no entry in /etc/passwd.
const USER = { uid: 65534, gid: 65534 };

describe.skipIf(!ROOT)('runProcess as another user (root only: only root may switch users)', () => {
  const asUser = (body: string, overrides: Partial<ProcessSpec> = {}) =>
    runProcess(spec({ args: ['-c', body], cwd: '/', user: USER, ...overrides }));

  it('runs with exactly that uid and gid, and none of the worker’s groups', async () => {
    const outcome = await asUser('id -u; id -g; grep ^Groups: /proc/self/status; grep ^CapEff: /proc/self/status');
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0 });
    const [uid, gid, groups, caps] = outcome.output.trim().split('\n');
    expect([uid, gid]).toEqual(['65534', '65534']);
    expect(groups?.replace('Groups:', '').trim()).toBe('');
    expect(caps).toMatch(/^CapEff:\s*0+$/);
  });

  it("cannot read the worker's environment, nor PID 1's", async () => {
    const outcome = await asUser('cat /proc/$PPID/environ; cat /proc/1/environ; echo "exit $?"');
    expect(outcome.output).toMatch(/\/proc\/\d+\/environ: Permission denied/);
    expect(outcome.output).toContain('/proc/1/environ: Permission denied');
    expect(outcome.output).toContain('exit 1');
  });

  it('may still reopen /dev/stdout and /dev/stderr, in order', async () => {
    const outcome = await asUser('echo out > /dev/stdout; echo err > /dev/stderr; echo via-proc > /proc/self/fd/2');
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, output: 'out\nerr\nvia-proc\n' });
  });

  it('is killed, with its whole group, when it times out', async () => {
    const outcome = await asUser("trap '' TERM; sleep 300 & echo $!; wait; wait", {
      timeoutMs: 1_000,
      killGraceMs: 500,
    });
    expect(outcome).toMatchObject({ kind: 'timed_out', signal: 'SIGKILL' });
    expect(await waitUntilDead(Number(outcome.output.trim()))).toBe(true);
  });

  it('reports an interpreter the user may not execute', async () => {
    const file = script('root-only.sh', '#!/bin/sh\necho no\n');
    fs.chmodSync(file, 0o700);
    const outcome = await runProcess(spec({ file, cwd: '/', user: USER }));
    expect(outcome).toMatchObject({ kind: 'spawn_failed' });
    expect(outcome.error).toBe(`interpreter not executable by uid 65534 (permission denied): ${file}`);
  });
});
