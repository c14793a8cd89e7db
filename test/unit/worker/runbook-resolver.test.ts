// Tests for runbook name resolution against a real temp directory, including symlink escapes.
import { createHash } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveRunbook } from '../../../src/adapters/worker/runbook-resolver';

let root = '';
let runbooksDir = '';

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudo-resolver-'));
  runbooksDir = path.join(root, 'runbooks');
  fs.mkdirSync(path.join(runbooksDir, 'aks'), { recursive: true });
  fs.mkdirSync(path.join(runbooksDir, 'folder.sh'));
  fs.writeFileSync(path.join(runbooksDir, 'hello.sh'), 'echo hello\n');
  fs.writeFileSync(path.join(runbooksDir, 'aks', 'restart.py'), 'print("hi")\n');
  fs.writeFileSync(path.join(runbooksDir, 'notes.txt'), 'not a runbook\n');
  fs.writeFileSync(path.join(root, 'secret.sh'), 'echo secret\n');
  fs.symlinkSync('/etc/passwd', path.join(runbooksDir, 'passwd.sh'));
  fs.symlinkSync('../secret.sh', path.join(runbooksDir, 'escape.sh'));
  fs.symlinkSync(root, path.join(runbooksDir, 'up'));
  fs.symlinkSync('aks/restart.py', path.join(runbooksDir, 'alias.py'));
  fs.symlinkSync('loop.sh', path.join(runbooksDir, 'loop.sh'));
});

afterAll(() => {
  if (root !== '') fs.rmSync(root, { recursive: true, force: true });
});

async function failureOf(name: string) {
  const result = await resolveRunbook(runbooksDir, name);
  if (result.ok) throw new Error(`expected ${name} to be refused, got ${result.path}`);
  expect(result.message).not.toContain(runbooksDir);
  expect(result.message).not.toContain(root);
  return result;
}

describe('resolveRunbook', () => {
  it('resolves a .sh runbook to bash with its real path', async () => {
    const result = await resolveRunbook(runbooksDir, 'hello.sh');
    expect(result).toEqual({
      ok: true,
      path: fs.realpathSync(path.join(runbooksDir, 'hello.sh')),
      interpreter: 'bash',
      // What runs is named by its content: "which script did this?" has an answer after the file changed.
      sha256: createHash('sha256')
        .update(fs.readFileSync(path.join(runbooksDir, 'hello.sh')))
        .digest('hex'),
    });
  });

  it('resolves a .py runbook in a sub-folder to python', async () => {
    const result = await resolveRunbook(runbooksDir, 'aks/restart.py');
    expect(result).toMatchObject({ ok: true, interpreter: 'python' });
  });

  it('allows a symlink that stays inside the runbooks directory and returns its target', async () => {
    const result = await resolveRunbook(runbooksDir, 'alias.py');
    expect(result).toEqual({
      ok: true,
      path: fs.realpathSync(path.join(runbooksDir, 'aks', 'restart.py')),
      interpreter: 'python',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('works when the runbooks directory is itself reached through a symlink', async () => {
    const linkedDir = path.join(root, 'linked-runbooks');
    fs.symlinkSync(runbooksDir, linkedDir);
    expect(await resolveRunbook(linkedDir, 'hello.sh')).toMatchObject({ ok: true, interpreter: 'bash' });
  });

  it.each(['../secret.sh', 'a/../../secret.sh', 'aks/../hello.sh', '..', '/etc/passwd', '/tmp/x.sh'])(
    'refuses %s as outside the runbooks directory',
    async (name) => {
      const result = await failureOf(name);
      expect(result.reason).toBe('outside_runbooks_dir');
      expect(result.message).toContain(JSON.stringify(name));
    },
  );

  it.each(['passwd.sh', 'escape.sh', 'up/secret.sh'])('refuses symlink %s that points outside', async (name) => {
    const result = await failureOf(name);
    expect(result.reason).toBe('outside_runbooks_dir');
    expect(result.message).toMatch(/outside the runbooks directory/);
  });

  it.each(['', 'aks\\restart.py', 'a\0b.sh', 'a\nb.sh', 'aks//restart.py', './hello.sh', 'aks/'])(
    'refuses malformed name %j as invalid_name',
    async (name) => {
      expect((await failureOf(name)).reason).toBe('invalid_name');
    },
  );

  it.each(['notes.txt', 'hello', 'hello.SH', '.sh', 'aks'])('refuses %s as unsupported_type', async (name) => {
    const result = await failureOf(name);
    expect(result.reason).toBe('unsupported_type');
    expect(result.message).toMatch(/\.sh or \.py/);
  });

  it.each(['missing.sh', 'nope/missing.py', 'folder.sh', 'loop.sh', 'hello.sh/x.sh'])(
    'reports %s as not_found',
    async (name) => {
      const result = await failureOf(name);
      expect(result.reason).toBe('not_found');
      expect(result.message).toContain(JSON.stringify(name));
    },
  );

  it('reports a missing runbooks directory without printing its path', async () => {
    const missingDir = path.join(root, 'does-not-exist');
    const result = await resolveRunbook(missingDir, 'hello.sh');
    expect(result).toMatchObject({ ok: false, reason: 'not_found' });
    if (!result.ok) expect(result.message).not.toContain(missingDir);
  });

  it('hashes a runbook again whenever it changed, even to the same size with its old mtime', async () => {
    const file = path.join(runbooksDir, 'edited.sh');
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const hashed = async () => {
      const result = await resolveRunbook(runbooksDir, 'edited.sh');
      return result.ok ? result.sha256 : result.message;
    };
    // A whole second, so that putting it back later restores it to the nanosecond.
    const old = new Date('2020-01-01T00:00:00Z');
    fs.writeFileSync(file, 'echo one\n');
    fs.utimesSync(file, old, old);
    // Still for longer than a clock tick could hide a change: from now on its hash may be remembered.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await hashed()).toBe(sha('echo one\n'));
    expect(await hashed()).toBe(sha('echo one\n'));
    // Rewritten in place (same inode), same size, mtime put back: only its ctime tells.
    fs.writeFileSync(file, 'echo two\n');
    fs.utimesSync(file, old, old);
    expect(await hashed()).toBe(sha('echo two\n'));
    // Replaced by another file under the same name.
    fs.writeFileSync(`${file}.new`, 'echo six\n');
    fs.renameSync(`${file}.new`, file);
    expect(await hashed()).toBe(sha('echo six\n'));
  });
});
