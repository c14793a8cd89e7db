// Whom runbooks run as: the setting, the fallback, refusals, capabilities, and whether the user reaches the runbooks.
import { describe, expect, it } from 'vitest';
import {
  findBlockingDirectory,
  decideRunUser,
  findMissingCapabilities,
  parsePasswd,
  type PathMode,
} from '../../../src/domain/worker/run-user';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  'cloudo-runbook:x:10001:10001::/nonexistent:/usr/sbin/nologin',
  'rootgroup:x:2000:0::/:/bin/sh',
  'dev:x:1000:1000::/home/dev:/bin/bash',
  'broken line',
  '',
].join('\n');
const users = parsePasswd(PASSWD);

describe('parsePasswd', () => {
  it('reads name, uid and gid, skipping malformed lines', () => {
    expect(users).toHaveLength(5);
    expect(users[2]).toEqual({ name: 'cloudo-runbook', uid: 10001, gid: 10001 });
  });
});

describe('decideRunUser as root', () => {
  const asRoot = (setting?: string, list = users) => decideRunUser({ ownUid: 0, setting, users: list });

  it('runs runbooks as the configured user, by name or by uid', () => {
    const user = { name: 'cloudo-runbook', uid: 10001, gid: 10001 };
    expect(asRoot('cloudo-runbook')).toEqual({ kind: 'user', user, fallback: false });
    expect(asRoot('10001')).toEqual({ kind: 'user', user, fallback: false });
  });

  it('takes an unlisted uid with a group of the same number', () => {
    expect(asRoot('4242')).toEqual({ kind: 'user', user: { name: 'uid 4242', uid: 4242, gid: 4242 }, fallback: false });
  });

  it('falls back to nobody, from /etc/passwd or at 65534 when it is not listed', () => {
    expect(asRoot()).toEqual({ kind: 'user', user: { name: 'nobody', uid: 65534, gid: 65534 }, fallback: true });
    expect(asRoot(undefined, [])).toEqual({
      kind: 'user',
      user: { name: 'nobody', uid: 65534, gid: 65534 },
      fallback: true,
    });
  });

  it('refuses a missing user, root, and the root group', () => {
    expect(asRoot('no-such-user')).toEqual({
      kind: 'invalid',
      problem: 'CLOUDO_RUNBOOK_USER: no user "no-such-user" in /etc/passwd',
    });
    for (const setting of ['root', '0', 'rootgroup'])
      expect(asRoot(setting)).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/root/) });
  });
});

describe('decideRunUser when not root', () => {
  it("runs runbooks with the worker's own privileges", () => {
    expect(decideRunUser({ ownUid: 1000, setting: undefined, users })).toEqual({ kind: 'self', uid: 1000 });
    expect(decideRunUser({ ownUid: null, setting: undefined, users })).toEqual({ kind: 'self', uid: null });
    expect(decideRunUser({ ownUid: 1000, setting: 'dev', users })).toEqual({ kind: 'self', uid: 1000 });
  });

  it('refuses a user it cannot switch to, rather than ignoring the setting', () => {
    expect(decideRunUser({ ownUid: 1000, setting: 'cloudo-runbook', users })).toMatchObject({
      kind: 'invalid',
      problem: expect.stringMatching(/^CLOUDO_RUNBOOK_USER: ClouDO runs as uid 1000, not root/),
    });
  });
});

describe('missingCapabilities', () => {
  it('names what a root worker needs to hand runbooks to another user', () => {
    expect(findMissingCapabilities('000001ffffffffff')).toEqual([]);
    // drop ALL, add NET_BIND_SERVICE: the Kubernetes manifest before runbooks ran as their own user.
    expect(findMissingCapabilities('0000000000000400')).toEqual(['CAP_CHOWN', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID']);
    expect(findMissingCapabilities('00000000000004e1')).toEqual([]);
    expect(findMissingCapabilities('')).toEqual([]);
  });
});

describe('blockingDirectory', () => {
  const who = { uid: 65534, gid: 65534 };
  const dir = (path: string, mode: number, uid = 0, gid = 0): PathMode => ({ path, mode, uid, gid });

  it('needs search on every ancestor and read and search on the runbooks directory', () => {
    const ok = [dir('/', 0o755), dir('/srv', 0o711), dir('/srv/runbooks', 0o755)];
    expect(findBlockingDirectory(ok, who)).toBeNull();
    const closed = [dir('/', 0o755), dir('/tmp/p', 0o700), dir('/tmp/p/runbooks', 0o755)];
    expect(findBlockingDirectory(closed, who)?.path).toBe('/tmp/p');
    const unlisted = [dir('/', 0o755), dir('/srv/runbooks', 0o711)];
    expect(findBlockingDirectory(unlisted, who)?.path).toBe('/srv/runbooks');
  });

  it('uses the owner or group bits when they are the user', () => {
    expect(findBlockingDirectory([dir('/', 0o755), dir('/r', 0o700, 65534, 0)], who)).toBeNull();
    expect(findBlockingDirectory([dir('/', 0o755), dir('/r', 0o750, 0, 65534)], who)).toBeNull();
    expect(findBlockingDirectory([dir('/', 0o755), dir('/r', 0o057, 65534, 0)], who)?.path).toBe('/r');
  });
});
