// Start-up decides whom runbooks run as, on this machine's real /etc/passwd, uid and directories, and says so.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { runbookIsolation } from '../../src/runner-wiring';
import { readableDir } from '../support/runbook-dirs';

const ROOT = process.getuid?.() === 0;
const open = readableDir('cloudo-runbook-user-');
afterAll(() => rmSync(open, { recursive: true, force: true }));

const isolation = (env: Record<string, string>) => runbookIsolation(loadConfig(env));

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

  it('names the runbooks directory, in one line, when the runbook user cannot read it', () => {
    // As mkdtemp leaves it: 0700, root's.
    const closed = path.join(open, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    mkdirSync(path.join(closed, 'runbooks'), { mode: 0o755 });
    const { notes } = isolation({ CLOUDO_RUNBOOKS_DIR: path.join(closed, 'runbooks'), CLOUDO_RUNBOOK_USER: '65534' });
    expect(notes.map((n) => n.text)).toEqual([
      expect.stringMatching(/^runbooks run as /),
      `runbooks directory ${path.join(closed, 'runbooks')} is not readable by ${describeUser(notes[0]!.text)} ` +
        `(${closed} is mode 0700, owner uid 0): every run will fail until it is`,
    ]);
    expect(notes[1]!.level).toBe('warn');
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
