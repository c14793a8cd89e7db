// Attack: `npm start` from a folder without (or with a broken) host.json answers with a stack trace, not one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = path.resolve(__dirname, '../../src/local/main.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function startIn(hostJson: string | null): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-attack-start-'));
  dirs.push(dir);
  if (hostJson !== null) writeFileSync(path.join(dir, 'host.json'), hostJson);
  const env = { PATH: process.env['PATH'] ?? '', PORT: '0', CLOUDO_LOCAL_STORAGE: 'memory' };
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
