// Attack: `npm start` with a missing or broken host.json, schemas directory or data directory answers with a stack
// trace, not the one line that names what to fix.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = path.resolve(__dirname, '../../../src/local/main.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const HOST_JSON = readFileSync(path.resolve(__dirname, '../../../host.json'), 'utf8');

function startIn(
  hostJson: string | null,
  settings: (dir: string) => Record<string, string> = () => ({ CLOUDO_LOCAL_STORAGE: 'memory' }),
): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-attack-start-'));
  dirs.push(dir);
  if (hostJson !== null) writeFileSync(path.join(dir, 'host.json'), hostJson);
  const env = { PATH: process.env['PATH'] ?? '', PORT: '0', ...settings(dir) };
  const run = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('npm start with a missing or broken host.json', () => {
  it.each([
    ['missing', null, /^Cannot read host\.json at .*host\.json: /],
    ['not JSON', '{', /^Invalid host\.json at .*host\.json: not valid JSON/],
    ['invalid', '{"version":"1.0"}', /^Invalid host\.json at .*host\.json: version: /],
  ])('%s: exits 1 with one line naming the file, no stack trace', (_, text, line) => {
    const { status, output } = startIn(text);
    expect(status).toBe(1);
    expect(output).toMatch(new RegExp(line.source, 'm'));
    expect(output).not.toMatch(/^\s+at /m);
  });
});

describe('npm start with settings that name unusable directories', () => {
  it('a missing schemas directory: one line naming CLOUDO_SCHEMAS_DIR, no stack trace', () => {
    const { status, output } = startIn(HOST_JSON, (dir) => {
      mkdirSync(path.join(dir, 'runbooks'));
      return { CLOUDO_LOCAL_STORAGE: 'memory', CLOUDO_SCHEMAS_DIR: path.join(dir, 'no-such-dir') };
    });
    expect(status).toBe(1);
    expect(output).toMatch(/CLOUDO_SCHEMAS_DIR: cannot read the mapping files in .*no-such-dir \(ENOENT\)/);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it.each([
    ['missing', (dir: string) => path.join(dir, 'no-such-dir'), 'ENOENT'],
    ['a file', (dir: string) => path.join(dir, 'host.json'), 'ENOTDIR'],
  ])('a runbooks directory that is %s: one line naming CLOUDO_RUNBOOKS_DIR, before Azurite starts', (_, at, code) => {
    const { status, output } = startIn(HOST_JSON, (dir) => {
      mkdirSync(path.join(dir, 'schemas'));
      return { CLOUDO_LOCAL_STORAGE: 'memory', CLOUDO_RUNBOOKS_DIR: at(dir) };
    });
    expect(status).toBe(1);
    expect(output).toMatch(new RegExp(`^CLOUDO_RUNBOOKS_DIR: cannot read the runbooks in .* \\(${code}\\)$`, 'm'));
    expect(output).not.toMatch(/azurite/);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('a data directory that is a file: one line naming CLOUDO_LOCAL_DATA_DIR, no stack trace', () => {
    const { status, output } = startIn(HOST_JSON, (dir) => {
      mkdirSync(path.join(dir, 'schemas'));
      mkdirSync(path.join(dir, 'runbooks'));
      writeFileSync(path.join(dir, 'a-file'), '');
      return { CLOUDO_LOCAL_DATA_DIR: path.join(dir, 'a-file') };
    });
    expect(status).toBe(1);
    expect(output).toMatch(
      /^CLOUDO_LOCAL_DATA_DIR: cannot use .*a-file.*table as Azurite's data directory \(ENOTDIR\)$/m,
    );
    expect(output).not.toMatch(/^\s+at /m);
  });
});
