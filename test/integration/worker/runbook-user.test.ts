// Start-up decides whom runbooks run as, on this machine's real /etc/passwd, uid and directories, and says so.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { createRunbookIsolation } from '../../../src/composition/runner-wiring';
import { silentWriter } from '../../../src/local/console-log';
import { startLocalRuntime } from '../../../src/local/runtime';
import { isolatedConfig } from '../../support/fixtures';
import { readableDir } from '../../support/runbook-dirs';
import { call, dropStorage, waitForTerminal } from '../../support/test-runtime';

const ROOT = process.getuid?.() === 0;
const open = readableDir('cloudo-runbook-user-');
afterAll(() => rmSync(open, { recursive: true, force: true }));

const isolation = (env: Record<string, string>) => createRunbookIsolation(loadConfig(env));

describe.skipIf(!ROOT)('runbookIsolation as root (root only: the decision depends on the uid)', () => {
  it('falls back to nobody and warns when CLOUDO_RUNBOOK_USER is not set', () => {
    mkdirSync(path.join(open, 'runbooks'), { recursive: true, mode: 0o755 });
    const got = isolation({ CLOUDO_RUNBOOKS_DIR: path.join(open, 'runbooks') });
    expect(got.user).toMatchObject({ uid: 65534, gid: 65534 });
    expect(got.notes).toEqual([
      {
        level: 'warn',
        text: expect.stringMatching(/^CLOUDO_RUNBOOK_USER is not set: runbooks run as \S+ \(uid 65534/),
      },
    ]);
  });

  it('runs runbooks the user cannot reach from a read-only copy, and says so in one line', () => {
    // As mkdtemp leaves it: 0700, root's.
    const closed = path.join(open, 'closed');
    mkdirSync(path.join(closed, 'runbooks', 'lib'), { recursive: true });
    chmodSync(closed, 0o700);
    writeFileSync(path.join(closed, 'runbooks', 'run.sh'), 'echo hi\n', { mode: 0o700 });
    writeFileSync(path.join(closed, 'runbooks', 'lib', 'x.sh'), 'echo lib\n', { mode: 0o600 });
    symlinkSync('/etc/hostname', path.join(closed, 'runbooks', 'outside'));
    const got = isolation({ CLOUDO_RUNBOOKS_DIR: path.join(closed, 'runbooks'), CLOUDO_RUNBOOK_USER: '65534' });
    try {
      expect(got.notes.map((n) => n.text)).toEqual([
        expect.stringMatching(/^runbooks run as /),
        `runbooks directory ${path.join(closed, 'runbooks')} is not readable by ${describeUser(got.notes[0]!.text)} ` +
          `(${closed} is mode 0700, owner uid 0): runbooks run from a read-only copy of them, ${got.runbooksDir}`,
      ]);
      expect(got.notes[1]!.level).toBe('warn');
      const mode = (p: string) => statSync(path.join(got.runbooksDir, p)).mode & 0o7777;
      expect([mode('.'), mode('lib'), mode('run.sh'), mode('lib/x.sh')]).toEqual([0o755, 0o755, 0o755, 0o644]);
      expect(statSync(path.join(got.runbooksDir, 'run.sh')).uid).toBe(0);
      // A link stays a link: what it points at outside the runbooks is not copied into a readable place.
      expect(readlinkSync(path.join(got.runbooksDir, 'outside'))).toBe('/etc/hostname');
    } finally {
      got.dispose();
    }
    expect(existsSync(got.runbooksDir)).toBe(false);
  });

  it('runs a runbook from a project the user cannot enter, without letting it change the runbooks', async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'cloudo-closed-project-'));
    mkdirSync(path.join(project, 'runbooks'));
    mkdirSync(path.join(project, 'schemas'));
    writeFileSync(
      path.join(project, 'runbooks', 'who.sh'),
      'id -u\necho x > "$CLOUDO_RUNBOOKS_DIR/planted" || echo refused\n',
    );
    const mapping = [
      { partition_key: 'p', entity: [{ id: 'who', name: 'who', runbook: 'who.sh', worker: 'Runbook' }] },
    ];
    writeFileSync(path.join(project, 'schemas', 'm.json'), JSON.stringify(mapping));
    const config = isolatedConfig(inject('storageConnection'), { PORT: '0', PATH: process.env['PATH'] ?? '' });
    const rt = await startLocalRuntime({
      config: { ...config, runbooksDir: path.join(project, 'runbooks'), schemasDir: path.join(project, 'schemas') },
      hostJsonPath: path.resolve(__dirname, '../../../host.json'),
      write: silentWriter,
    });
    try {
      const { body } = await call('POST', `${rt.url}/api/Trigger?id=who`);
      const done = await waitForTerminal(rt.url, String(body['execId']));
      expect(done).toMatchObject({ status: 'succeeded' });
      const text = await (await fetch(`${rt.url}/api/logs/${String(body['execId'])}?format=text`)).text();
      expect(text).toMatch(/^65534\n.*\nrefused\n$/s);
    } finally {
      await rt.stop();
      await dropStorage(config);
      rmSync(project, { recursive: true, force: true });
    }
    expect(existsSync(rt.config.runbooksDir)).toBe(false);
  });

  it('stops start-up on a user that does not exist, or on root', () => {
    expect(() => isolation({ CLOUDO_RUNBOOK_USER: 'no-such-cloudo-user' })).toThrow(ConfigError);
    expect(() => isolation({ CLOUDO_RUNBOOK_USER: 'no-such-cloudo-user' })).toThrow(
      'CLOUDO_RUNBOOK_USER: no user "no-such-cloudo-user" in /etc/passwd',
    );
    expect(() => isolation({ CLOUDO_RUNBOOK_USER: '0' })).toThrow(/is root or in the root group/);
  });
});

/** "nobody (uid 65534, gid 65534)" out of "runbooks run as nobody (uid 65534, gid 65534)". */
const describeUser = (line: string) => line.replace(/^runbooks run as /, '');
