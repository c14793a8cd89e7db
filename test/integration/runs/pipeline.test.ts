// End to end on the embedded runtime: trigger over HTTP, queue, worker, real runbooks, logs.
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';

const RUNBOOKS = {
  'ok.sh':
    '#!/usr/bin/env bash\necho "hello from $CLOUDO_MAPPING_ID exec=$CLOUDO_EXEC_ID trigger=$CLOUDO_TRIGGER"\necho "args: $*"\necho "greeting=$GREETING"\necho warn >&2\n',
  'ok.py': 'import os, sys\nprint("py", os.environ["CLOUDO_MAPPING_NAME"], sys.argv[1:])\n',
  'fail.sh': '#!/usr/bin/env bash\necho "about to fail"\nexit 3\n',
  'stubborn.sh': "#!/usr/bin/env bash\ntrap '' TERM\necho started\nwhile true; do sleep 1; done\n",
  'huge.sh': '#!/usr/bin/env bash\nhead -c 20000000 /dev/zero | tr "\\0" "x"\necho\necho END\n',
  'stderr.sh': '#!/usr/bin/env bash\nhead -c 1048576 /dev/zero | tr "\\0" "e" >&2\n',
};

const MAPPINGS = [
  ...mappingDoc('main', [
    { id: 'ok', name: 'ok-bash', runbook: 'ok.sh', run_args: 'one "two words" $HOME', env: { GREETING: 'hi' } },
    { id: 'ok-py', name: 'ok-python', runbook: 'ok.py', run_args: '--flag x' },
    { id: 'fail', name: 'fail', runbook: 'fail.sh', oncall: 'true' },
    { id: 'stubborn', name: 'stubborn', runbook: 'stubborn.sh', timeout: 1 },
    { id: 'missing', name: 'missing', runbook: 'nope.sh' },
    { id: 'huge', name: 'huge', runbook: 'huge.sh' },
    { id: 'stderr', name: 'stderr', runbook: 'stderr.sh' },
    { id: 'off', name: 'off', runbook: 'ok.sh', enabled: false },
    { id: 'gated', name: 'gated', runbook: 'ok.sh', require_approval: 'true' },
    { id: 'escape', name: 'escape', runbook: 'escape.sh' },
  ]),
  ...mappingDoc('other', [{ id: 'other-ok', name: 'other', runbook: 'ok.sh' }]),
];

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS, env: { CLOUDO_MAX_OUTPUT_BYTES: '65536' } });
  // A runbook that is a symlink to a script outside the runbooks directory.
  writeFileSync(path.join(rt.dir, 'outside.sh'), 'echo pwned\n');
  symlinkSync(path.join(rt.dir, 'outside.sh'), path.join(rt.config.runbooksDir, 'escape.sh'));
});
afterAll(async () => rt?.stop());

async function run(id: string, path = 'Trigger', method = 'POST') {
  const res = await call(method, `${rt.url}/api/${path}?id=${encodeURIComponent(id)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return waitForTerminal(rt.url, String(res.body['execId']));
}

describe('trigger to logs', () => {
  it('runs a bash runbook, with argv split without a shell and the ClouDO environment', async () => {
    const res = await call('POST', `${rt.url}/api/Trigger?id=ok`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'queued',
      mapping: { id: 'ok', partition_key: 'main', runbook: 'ok.sh' },
    });
    const execId = String(res.body['execId']);
    expect(res.body['links']).toEqual({ self: `/api/logs/${execId}` });
    expect(res.headers.get('location')).toBe(`/api/logs/${execId}`);
    const done = await waitForTerminal(rt.url, execId);
    expect(done).toMatchObject({ status: 'succeeded', exitCode: 0, outputTruncated: false });
    expect(done['output']).toContain(`hello from ok exec=${execId} trigger=manual`);
    expect(done['output']).toContain('args: one two words $HOME');
    expect(done['output']).toContain('greeting=hi');
    expect(done['output']).toContain('warn');
    const text = await fetch(`${rt.url}/api/logs/${execId}?format=text`);
    expect(text.headers.get('content-type')).toContain('text/plain');
    expect(await text.text()).toBe(done['output']);
  });

  it('runs python with GET, as the seed README does', async () => {
    const done = await run('ok-py', 'Trigger', 'GET');
    expect(done).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(done['output']).toContain("py ok-python ['--flag', 'x']");
  });

  it('records a non-zero exit as failed with its code and output', async () => {
    const done = await run('fail');
    expect(done).toMatchObject({ status: 'failed', exitCode: 3, oncall: true });
    expect(done['output']).toContain('about to fail');
  });

  it('times out a runbook that ignores SIGTERM and kills it', async () => {
    const done = await run('stubborn');
    expect(done).toMatchObject({ status: 'timed_out', exitCode: null, signal: 'SIGKILL' });
    expect(done['output']).toContain('started');
  });

  it('records a missing runbook as error', async () => {
    const done = await run('missing');
    expect(done['status']).toBe('error');
    expect(done['error']).toMatch(/nope\.sh/);
  });

  it('refuses a runbook that leaves the runbooks directory through a symlink', async () => {
    const done = await run('escape');
    expect(done['status']).toBe('error');
    expect(done['error']).toMatch(/outside the runbooks directory/);
    expect(String(done['output'] ?? '')).not.toContain('pwned');
    expect(String(done['error'])).not.toContain(rt.dir);
  });

  it('keeps the head and tail of huge output, and drains 1 MB written to stderr only', async () => {
    const huge = await run('huge');
    expect(huge).toMatchObject({ status: 'succeeded', outputTruncated: true });
    expect(Number(huge['outputBytes'])).toBeGreaterThan(20_000_000);
    expect(String(huge['output']).length).toBeLessThan(66_000);
    expect(String(huge['output']).trimEnd().endsWith('END')).toBe(true);
    const stderr = await run('stderr');
    expect(stderr).toMatchObject({ status: 'succeeded', outputTruncated: true, outputBytes: 1_048_576 });
  });

  it('honours the partition in the route and restricts lookups to it', async () => {
    expect((await run('other-ok', 'Trigger/other'))['status']).toBe('succeeded');
    const wrong = await call('POST', `${rt.url}/api/Trigger/main?id=other-ok`);
    expect(wrong.status).toBe(404);
    expect(wrong.body).toMatchObject({ error: { code: 'not_found', field: 'id' } });
  });

  it('runs 20 triggers at once to a terminal state each', async () => {
    const accepted = await Promise.all(Array.from({ length: 20 }, () => call('POST', `${rt.url}/api/Trigger?id=ok`)));
    expect(accepted.map((a) => a.status)).toEqual(Array(20).fill(202));
    const ids = accepted.map((a) => String(a.body['execId']));
    expect(new Set(ids).size).toBe(20);
    const done = await Promise.all(ids.map((id) => waitForTerminal(rt.url, id, 120_000)));
    expect(done.map((d) => d['status'])).toEqual(Array(20).fill('succeeded'));
  });
});

describe('bad requests', () => {
  it.each([
    ['missing id', '/api/Trigger', 400, 'bad_request', 'id'],
    ['empty id', '/api/Trigger?id=', 400, 'bad_request', 'id'],
    ['control character in id', '/api/Trigger?id=a%01b', 400, 'bad_request', 'id'],
    ['unknown id', '/api/Trigger?id=nope', 404, 'not_found', 'id'],
    ['reserved partition', '/api/Trigger/~id?id=ok', 400, 'bad_request', 'partition'],
    ['disabled mapping', '/api/Trigger?id=off', 409, 'conflict', 'id'],
    ['bad status filter', '/api/logs?status=weird', 400, 'bad_request', 'status'],
    ['bad limit', '/api/logs?limit=0', 400, 'bad_request', 'limit'],
    ['unknown list parameter', '/api/logs?colour=red', 400, 'bad_request', 'colour'],
    ['bad since', '/api/logs?since=yesterday', 400, 'bad_request', 'since'],
    ['since before 1970', '/api/logs?since=1960-01-01T00:00:00Z', 400, 'bad_request', 'since'],
    ['control character in mapping filter', '/api/logs?mapping=a%01b', 400, 'bad_request', 'mapping'],
    ['bad continuation', '/api/logs?continuation=zzz', 400, 'bad_request', 'continuation'],
    ['malformed exec id', '/api/logs/not-an-id', 400, 'bad_request', 'execId'],
    ['unknown exec id', '/api/logs/20260101T000000000Z-00000000', 404, 'not_found', 'execId'],
  ])('%s → %i', async (_name, path, status, code, field) => {
    const res = await call(path.startsWith('/api/Trigger') ? 'POST' : 'GET', `${rt.url}${path}`);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: { code, field } });
    expect(String((res.body['error'] as Record<string, unknown>)['message']).length).toBeGreaterThan(5);
  });

  it('answers JSON for unknown routes and wrong methods', async () => {
    expect(await call('GET', `${rt.url}/api/nothing-here`)).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect(await call('DELETE', `${rt.url}/api/Trigger?id=ok`)).toMatchObject({ status: 405 });
  });

  it('accepts the host key parameter on logs and never echoes it', async () => {
    const res = await call('GET', `${rt.url}/api/logs?code=secret-key-value&limit=1`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('secret-key-value');
  });

  it('serves health', async () => {
    expect(await call('GET', `${rt.url}/api/health`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
