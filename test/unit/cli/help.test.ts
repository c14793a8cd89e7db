// The CLI answers a newcomer: help on stdout with exit 0, the version, per-command help, one clear line for a typo.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AZURE_VERBS } from '../../../src/cli/azure-commands';
import { GROUPS, listVerbs } from '../../../src/cli/help';
import { INTAKE_VERBS } from '../../../src/cli/intake-commands';

const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

// The real command line, as `npx cloudo` runs it (from the sources here, through tsx).
function cloudo(...args: string[]) {
  const run = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('cloudo --help', () => {
  it.each([['--help'], ['-h'], ['help'], []])('%s prints every command on stdout and exits 0', (...args) => {
    const { code, out, err } = cloudo(...args.filter((a): a is string => a !== undefined));
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('usage: cloudo <command> [flags]');
    for (const group of GROUPS) for (const verb of listVerbs(group)) expect(out).toContain(`${group} ${verb}`);
  });

  it('--version prints the package version', () => {
    expect(cloudo('--version')).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it.each(GROUPS.flatMap((g) => listVerbs(g).map((v) => [g, v])))('%s %s --help prints its usage', (group, verb) => {
    const { code, out, err } = cloudo(group!, verb!, '--help');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(new RegExp(`^usage: cloudo ${group} ${verb}`));
  });

  it.each(GROUPS)('%s --help lists its commands', (group) => {
    const { code, out } = cloudo(group, '--help');
    expect(code).toBe(0);
    for (const verb of listVerbs(group)) expect(out).toContain(`${group} ${verb}`);
  });

  it.each([
    [['deploy'], 'unknown command "deploy"', 'cloudo --help'],
    [['schemas'], 'cloudo schemas needs a command: check, apply, jsonschema', 'cloudo schemas --help'],
    [['schemas', 'chek'], 'unknown command "schemas chek"', 'cloudo schemas --help'],
    [['schemas', 'apply', '--purge'], 'unknown flag --purge', 'cloudo schemas apply --help'],
    [['intake', 'status', '--bogus'], 'cloudo intake status: unknown flag --bogus', 'cloudo intake status --help'],
  ])('%j: one line naming the problem, where to look, exit 2', (args, problem, see) => {
    expect(cloudo(...args)).toEqual({ code: 2, out: '', err: `${problem}\nsee '${see}'\n` });
  });

  it('lists the verbs each command group dispatches', () => {
    expect(listVerbs('azure')).toEqual(AZURE_VERBS);
    expect(listVerbs('intake')).toEqual(INTAKE_VERBS);
  });
});

describe('npx cloudo after npm ci', () => {
  it('builds on install, and the bin is the compiled CLI with its shebang', () => {
    expect(pkg.scripts['prepare']).toBe('npm run build');
    expect(pkg.bin['cloudo']).toBe('dist/src/cli/main.js');
    expect(readFileSync(MAIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
