// The operator CLI against a real local runtime: run, wait, follow, logs, cancel, approve, Ctrl-C.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOperator } from '../../../src/cli/operator-commands';
import { UsageError } from '../../../src/cli/cli-args';
import { readUntil } from '../../support/poll';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';

const RUNBOOKS = {
  'greet.sh': '#!/usr/bin/env bash\necho "hello $CLOUDO_PARAM_NAME"\n',
  'fail.sh': '#!/usr/bin/env bash\necho failing\nexit 3\n',
  'lines.sh': '#!/usr/bin/env bash\nfor i in 1 2 3; do echo "line $i"; sleep 1; done\n',
  'sleepy.sh': '#!/usr/bin/env bash\necho started\nsleep 120\n',
};

const MAPPINGS = mappingDoc('ops', [
  { id: 'greet', name: 'greet', runbook: 'greet.sh', params: { NAME: { type: 'string', required: true } } },
  { id: 'fail', name: 'fail', runbook: 'fail.sh' },
  { id: 'lines', name: 'lines', runbook: 'lines.sh' },
  { id: 'sleepy', name: 'sleepy', runbook: 'sleepy.sh', timeout: 300 },
  { id: 'gated', name: 'gated', runbook: 'greet.sh', require_approval: 'true', params: { NAME: { type: 'string' } } },
]);

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
});
afterAll(async () => rt?.stop());

/** Runs one command in this process, as `cloudo` would, with its output collected. */
async function cloudo(...args: string[]) {
  let out = '';
  let err = '';
  const io = {
    out: (t: string) => void (out += t),
    err: (t: string) => void (err += t),
    tty: false,
    stdin: Readable.from([]),
    env: { CLOUDO_URL: rt.url },
  };
  const [name = '', ...rest] = args;
  const code = await runOperator(name, rest, io);
  return { code, out, err };
}

describe('cloudo run', () => {
  it('waits for the run, passing parameters, and exits with its outcome', async () => {
    const ok = await cloudo('run', 'greet', '--param', 'NAME=ada', '--wait');
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/succeeded exit 0/);
    const execId = ok.err.split(' ')[0] ?? '';
    expect((await call('GET', `${rt.url}/api/logs/${execId}`)).body['output']).toBe('hello ada\n');
    const failed = await cloudo('run', 'fail', '--wait');
    expect(failed.code).toBe(3);
    expect(failed.err).toMatch(/failed exit 3/);
  });

  it('follows the output as it is written, and answers --json for scripts', async () => {
    const followed = await cloudo('run', 'lines', '--follow');
    expect(followed.out).toBe('line 1\nline 2\nline 3\n');
    expect(followed.code).toBe(0);
    const json = await cloudo('run', 'greet', '--param', 'NAME=bob', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ status: 'queued', mapping: { id: 'greet' } });
    await waitForTerminal(rt.url, String(JSON.parse(json.out).execId));
  });

  it('dry-runs with the environment, and reports refusals with the field', async () => {
    const dry = await cloudo('run', 'greet', '--param', 'NAME=cy', '--dry-run');
    expect(dry.out).toMatch(/^would be: queued\n/);
    expect(dry.out).toContain('CLOUDO_PARAM_NAME=cy\n');
    await expect(cloudo('run', 'greet', '--param', 'NOPE=1')).rejects.toMatchObject({ field: 'params.NOPE' });
    await expect(cloudo('run', 'greet', '--param', 'NAME')).rejects.toThrow(UsageError);
    await expect(cloudo('run', 'greet', '--key', 'secret-on-the-command-line')).rejects.toThrow(/process listings/);
  });
});

describe('cloudo logs, cancel, approve', () => {
  it('lists executions as a table, and one execution with its output', async () => {
    const ran = await cloudo('run', 'greet', '--param', 'NAME=dee', '--wait');
    const execId = ran.err.split(' ')[0] ?? '';
    const table = await cloudo('logs', '--mapping', 'greet', '--limit', '5');
    expect(table.out.split('\n')[0]).toMatch(/^EXEC ID\s+STATUS\s+MAPPING\s+TRIGGER\s+REQUESTED\s+DURATION\s+EXIT$/);
    expect(table.out).toMatch(new RegExp(`${execId}\\s+succeeded\\s+ops/greet\\s+manual`));
    const one = await cloudo('logs', execId);
    expect(one.out).toBe('hello dee\n');
    expect(one.err).toMatch(/status:\s+succeeded/);
    expect(JSON.parse((await cloudo('logs', execId, '--json')).out)).toMatchObject({ execId, status: 'succeeded' });
  });

  it('cancels a running run and follows it to its end', async () => {
    const started = await cloudo('run', 'sleepy');
    const execId = started.out.split(' ')[0] ?? '';
    await readUntil(
      () => call('GET', `${rt.url}/api/logs/${execId}`),
      (r) => String(r.body['output'] ?? '').includes('started'),
    );
    const following = cloudo('logs', execId, '--follow');
    const cancelled = await cloudo('cancel', execId, '--reason', 'not today');
    expect(cancelled.out).toMatch(/cancel requested/);
    const followed = await following;
    expect(followed.out).toBe('started\n');
    expect(followed.code).toBe(130);
    expect(followed.err).toMatch(/cancelled: cancelled by local: not today/);
    await expect(cloudo('cancel', execId)).rejects.toMatchObject({ status: 409 });
  });

  it('approves a waiting run by its id, and rejects one by its link', async () => {
    const asked = await cloudo('run', 'gated', '--param', 'NAME=eve');
    const execId = asked.out.split(' ')[0] ?? '';
    const approved = await cloudo('approve', execId, '--as', 'grace');
    expect(approved.out).toBe(`${execId} queued (by grace)\n`);
    expect((await waitForTerminal(rt.url, execId))['output']).toBe('hello eve\n');
    await expect(cloudo('approve', execId)).rejects.toThrow(/not waiting for approval/);
    const again = await call('POST', `${rt.url}/api/Trigger?id=gated`);
    const link = String((again.body['links'] as Record<string, string>)['reject']);
    const rejected = await cloudo('reject', link, '--as', 'heidi');
    expect(rejected.out).toMatch(/rejected \(by heidi\)/);
  });
});

describe('Ctrl-C', () => {
  it('stops following and exits 130, and the run goes on', async () => {
    const started = await cloudo('run', 'sleepy');
    const execId = started.out.split(' ')[0] ?? '';
    const main = path.resolve(__dirname, '../../../src/cli/main.ts');
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), main, 'logs', execId, '--follow'], {
      env: { PATH: process.env['PATH'] ?? '', CLOUDO_URL: rt.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await readUntil(
      async () => out,
      (o) => o.includes('started'),
    );
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(err).toContain(`cloudo cancel ${execId}`);
    expect((await call('GET', `${rt.url}/api/logs/${execId}`)).body['status']).toBe('running');
    await call('POST', `${rt.url}/api/logs/${execId}/cancel`);
    await waitForTerminal(rt.url, execId);
  });
});

describe('cloudo audit', () => {
  it('prints the audit trail newest first, filtered, and the API answer with --json', async () => {
    const run = await cloudo('run', 'greet', '--param', 'NAME=audited', '--wait');
    expect(run.code).toBe(0);
    const table = await cloudo('audit', '--action', 'run.requested', '--mapping', 'ops/greet', '--limit', '5');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^TIME\s+ACTOR\s+ACTION\s+TARGET\s+OUTCOME\n/);
    expect(table.out).toMatch(/local \(person\)\s+run\.requested\s+ops\/greet \d{8}T\d{9}Z-[0-9a-f]{8}\s+queued/);
    const json = await cloudo('audit', '--limit', '1', '--json');
    const items = (JSON.parse(json.out) as { items: { detail: { params?: unknown } }[] }).items;
    expect(items).toHaveLength(1);
    await expect(cloudo('audit', '--action', 'nope')).rejects.toThrow(/Invalid action/);
  });
});
