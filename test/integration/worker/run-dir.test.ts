// Run directories on a real file system: private to the runbook user, holding what the run needs, removed whole.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunDirs } from '../../../src/adapters/worker/run-dir';

const ROOT = process.getuid?.() === 0;
const USER = { uid: 65534, gid: 65534, name: 'nobody' };
const owner = (p: string) => {
  const s = statSync(p);
  return { uid: s.uid, gid: s.gid, mode: s.mode & 0o7777 };
};
/** Runs a shell command as the runbook user, as a runbook would. */
const asUser = (command: string) =>
  execFileSync('bash', ['-c', command], { uid: USER.uid, gid: USER.gid, env: { PATH: '/usr/bin:/bin' } });

const victim = path.join(os.tmpdir(), `cloudo-run-dir-victim-${process.pid}`);
afterAll(() => rmSync(victim, { recursive: true, force: true }));

describe('createRunDirs without a user (the worker is not root)', () => {
  it('makes a 0700 home, the alert file and the AKS places, and removes them', async () => {
    const dir = await createRunDirs(null)({ execId: 'e1', alertJson: '{"a":1}', aks: true });
    const top = path.dirname(dir.home);
    expect(path.basename(top)).toMatch(/^cloudo-run-/);
    expect(owner(dir.home).mode).toBe(0o700);
    expect(owner(top).mode).toBe(0o700);
    expect(dir.alertFile).toBe(path.join(top, 'e1.json'));
    expect(readFileSync(dir.alertFile!, 'utf8')).toBe('{"a":1}');
    expect(owner(dir.alertFile!).mode).toBe(0o600);
    expect(dir.aks).toEqual({
      kubeconfig: path.join(top, 'aks', 'kubeconfig'),
      azureConfigDir: path.join(top, 'aks', 'az'),
    });
    expect(owner(dir.aks!.azureConfigDir).mode).toBe(0o700);
    await dir.dispose();
    expect(existsSync(top)).toBe(false);
  });

  it('leaves out what the run does not need', async () => {
    const dir = await createRunDirs(null)({ execId: 'e2', alertJson: null, aks: false });
    expect(dir.alertFile).toBeUndefined();
    expect(dir.aks).toBeUndefined();
    await dir.dispose();
    await dir.dispose();
  });
});

describe.skipIf(!ROOT)('createRunDirs for a runbook user (root only: only root may hand files over)', () => {
  it('hands everything to the user, readable by it alone', async () => {
    const dir = await createRunDirs(USER)({ execId: 'e3', alertJson: '{"b":2}', aks: true });
    const top = path.dirname(dir.home);
    for (const p of [top, dir.home, dir.alertFile!, path.dirname(dir.aks!.kubeconfig), dir.aks!.azureConfigDir])
      expect(owner(p), p).toMatchObject({ uid: USER.uid, gid: USER.gid });
    expect(owner(top).mode).toBe(0o700);
    expect(owner(dir.home).mode).toBe(0o700);
    expect(owner(dir.alertFile!).mode).toBe(0o600);
    expect(asUser(`cat '${dir.alertFile!}'; touch "${dir.home}/x" "${dir.aks!.kubeconfig}"; echo ok`).toString()).toBe(
      '{"b":2}ok\n',
    );
    await dir.dispose();
    expect(existsSync(top)).toBe(false);
  });

  it('removes whatever the runbook left, without following its links out', async () => {
    writeFileSync(victim, 'keep me');
    const dir = await createRunDirs(USER)({ execId: 'e4', alertJson: null, aks: false });
    const top = path.dirname(dir.home);
    asUser(
      `cd "${dir.home}" && mkdir -p a/b/c && echo x > a/b/c/f && chmod 000 a/b && ln -s '${victim}' link && ` +
        `ln -s / root-link`,
    );
    await dir.dispose();
    expect(existsSync(top)).toBe(false);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });
});
