// The launcher starts runbooks off the worker's event loop: what a runbook gets from it, and what happens if it dies.
import { readFileSync, readlinkSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/adapters/worker/process-runner';
import type { ProcessSpec } from '../../../src/services/worker/ports';
import { isProcessAlive, waitFor } from '../../support/proc-scan';

const PATH = process.env['PATH'] ?? '/usr/bin:/bin';

const spec = (body: string, overrides: Partial<ProcessSpec> = {}): ProcessSpec => ({
  file: 'bash',
  args: ['-c', body],
  cwd: '/',
  env: { PATH },
  timeoutMs: 60_000,
  killGraceMs: 1_000,
  maxOutputBytes: 65_536,
  ...overrides,
});

/** Where each open descriptor of a process leads ("pipe:[123]", a path…); empty once it is gone. */
function descriptors(pid: number): Map<string, string> {
  const fds = new Map<string, string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) fds.set(fd, readlinkSync(`/proc/${pid}/fd/${fd}`));
  } catch {
    // Gone meanwhile.
  }
  return fds;
}

/** Starts a runbook that reports its pid, its parent's and its descriptors, then sleeps until stopped. */
async function startSleeper(controller: AbortController) {
  const body = 'echo "$$ $PPID $(readlink /proc/$$/fd/1)"; exec sleep 300';
  let reported = '';
  const outcome = runProcess(spec(body, { signal: controller.signal, onOutput: (c) => (reported += String(c)) }));
  await waitFor('the runbook started', () => reported.endsWith('\n'));
  const [pid, parent, fifo] = reported.trim().split(' ');
  return { outcome, pid: Number(pid), launcher: Number(parent), fifo: fifo ?? '' };
}

describe.skipIf(process.platform !== 'linux')('the process launcher', () => {
  it('is the parent of runbooks, a process of its own with an empty environment and no copy of their output', async () => {
    const controller = new AbortController();
    const run = await startSleeper(controller);
    expect(run.launcher).not.toBe(process.pid);
    expect(readFileSync(`/proc/${run.launcher}/cmdline`, 'utf8').split('\0')[1]).toBe('-e');
    expect(readFileSync(`/proc/${run.launcher}/environ`, 'utf8')).toBe('');
    // Only the runbook writes to its FIFO: the launcher closed its copy once it had started it.
    expect(run.fifo).toContain('cloudo-out-');
    expect([...descriptors(run.launcher).values()]).not.toContain(run.fifo);
    controller.abort();
    await expect(run.outcome).resolves.toMatchObject({ kind: 'cancelled' });
  });

  it("gives a runbook none of the launcher's descriptors: only fd 0 to 2, and none of them its pipes", async () => {
    const controller = new AbortController();
    const run = await startSleeper(controller);
    const launcherPipes = new Set(
      [...descriptors(run.launcher).values()].filter((target) => target.startsWith('pipe:')),
    );
    const ownFds = descriptors(run.pid);
    expect([...ownFds.keys()].sort()).toEqual(['0', '1', '2']);
    for (const target of ownFds.values()) expect(launcherPipes.has(target)).toBe(false);
    controller.abort();
    await run.outcome;
  });

  it('when killed, ends the runs it started as killed, with their sessions, and a new one starts the next run', async () => {
    const controller = new AbortController();
    const run = await startSleeper(controller);
    process.kill(run.launcher, 'SIGKILL');
    await expect(run.outcome).resolves.toMatchObject({
      kind: 'exited',
      exitCode: null,
      signal: 'SIGKILL',
      error: expect.stringContaining('process launcher was lost'),
    });
    await waitFor('the runbook gone', () => !isProcessAlive(run.pid));
    const next = await runProcess(spec('echo "$PPID"'));
    expect(next).toMatchObject({ kind: 'exited', exitCode: 0 });
    const parent = Number(next.output.trim());
    expect(parent).not.toBe(run.launcher);
    expect(parent).not.toBe(process.pid);
  });

  it('reports a start that fails in the launcher as spawn_failed, as a start in the worker would be', async () => {
    const missing = await runProcess(spec('', { file: 'no-such-interpreter-cloudo' }));
    expect(missing).toMatchObject({ kind: 'spawn_failed', error: 'interpreter not found: no-such-interpreter-cloudo' });
    const nul = await runProcess(spec('', { args: ['a\0b'] }));
    expect(nul.kind).toBe('spawn_failed');
    expect(nul.error).toMatch(/^cannot start bash: /);
    // Neither left the launcher unable to start the next one.
    await sleep(10);
    await expect(runProcess(spec('echo ok'))).resolves.toMatchObject({ kind: 'exited', output: 'ok\n' });
  });
});

describe.skipIf(process.platform !== 'linux')('a launcher that stops answering', () => {
  it('is replaced after 30 s, the start it held failing, not hanging; the next run starts', async () => {
    const first = await runProcess(spec('echo "$PPID"'));
    const stopped = Number(first.output.trim());
    process.kill(stopped, 'SIGSTOP');
    try {
      const held = await runProcess(spec('echo never'));
      expect(held).toMatchObject({ kind: 'spawn_failed', error: expect.stringContaining('launcher exited') });
      await waitFor('the stopped launcher gone', () => !isProcessAlive(stopped));
      const next = await runProcess(spec('echo "$PPID"'));
      expect(next).toMatchObject({ kind: 'exited', exitCode: 0 });
      expect(Number(next.output.trim())).not.toBe(stopped);
    } finally {
      if (isProcessAlive(stopped)) process.kill(stopped, 'SIGKILL');
    }
  }, 60_000);
});
