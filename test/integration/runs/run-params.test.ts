// Run parameters end to end: typed values in, CLOUDO_PARAM_<NAME> out, refusals naming the field, secrets kept secret.
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTruncationMarker } from '../../../src/domain/runs/output-bytes';
import { alertFixture } from '../../support/alert-fixtures';
import { readUntil } from '../../support/poll';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';

const SECRET = 'pa55-w0rd-never-shown';

const RUNBOOKS = {
  'params.sh':
    '#!/usr/bin/env bash\nenv | grep ^CLOUDO_PARAM_ | grep -v TOKEN | sort\necho "token=$CLOUDO_PARAM_TOKEN"\n',
  // Over the 256 KiB cap, which keeps the first 64 KiB and the last 192 KiB: the first cut falls 6 characters into
  // the secret, the second 8 characters before its end.
  'cut.sh': [
    '#!/usr/bin/env bash',
    'fill() { head -c "$1" /dev/zero | tr \'\\0\' "$2"; }',
    'fill 65530 a; printf %s "$CLOUDO_PARAM_TOKEN"; fill 100000 b; printf %s "$CLOUDO_PARAM_TOKEN"; fill 196600 c',
    '',
  ].join('\n'),
};

const PARAMS = {
  TARGET: { type: 'string', pattern: '[a-z0-9-]+', required: true, description: 'host name' },
  COUNT: { type: 'integer', min: 1, max: 5, default: 2 },
  FORCE: { type: 'boolean' },
  MODE: { type: 'enum', values: ['soft', 'hard'], default: 'soft' },
  TOKEN: { type: 'string', secret: true },
};

const MAPPINGS = mappingDoc('ops', [
  { id: 'restart', name: 'restart', runbook: 'params.sh', params: PARAMS },
  { id: 'plain', name: 'plain', runbook: 'params.sh' },
  { id: 'cut', name: 'cut', runbook: 'cut.sh', params: { TOKEN: PARAMS.TOKEN } },
  {
    id: 'from-alert',
    name: 'from-alert',
    runbook: 'params.sh',
    match: { alert_rule: 'test-metricAlertRule' },
    params: { TARGET: { type: 'string', from: 'RESOURCE_NAME', required: true } },
  },
]);

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
});
afterAll(async () => rt?.stop());

const trigger = (id: string, body?: unknown, query = '') =>
  call('POST', `${rt.url}/api/Trigger?id=${id}${query}`, body);

async function runToEnd(id: string, params: Record<string, unknown>) {
  const res = await trigger(id, { params });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return waitForTerminal(rt.url, String(res.body['execId']));
}

describe('run parameters', () => {
  it('passes every type to the runbook as CLOUDO_PARAM_<NAME>, the secret one redacted from its output', async () => {
    const done = await runToEnd('restart', { TARGET: 'web-1', COUNT: 3, FORCE: true, MODE: 'hard', TOKEN: SECRET });
    expect(done['status']).toBe('succeeded');
    expect(done['output']).toBe(
      'CLOUDO_PARAM_COUNT=3\nCLOUDO_PARAM_FORCE=true\nCLOUDO_PARAM_MODE=hard\nCLOUDO_PARAM_TARGET=web-1\ntoken=[redacted CLOUDO_PARAM_TOKEN]\n',
    );
    expect(done['params']).toEqual({ TARGET: 'web-1', COUNT: '3', FORCE: 'true', MODE: 'hard', TOKEN: '[secret]' });
  });

  it('keeps no part of a secret the output cap cut through', async () => {
    const done = await runToEnd('cut', { TOKEN: SECRET });
    const omitted = 100_000 + 2 * SECRET.length;
    expect(done['output']).toBe(`${'a'.repeat(65_530)}${formatTruncationMarker(omitted)}${'c'.repeat(196_600)}`);
    const text = await fetch(`${rt.url}/api/logs/${String(done['execId'])}?format=text`).then((r) => r.text());
    for (const part of [SECRET.slice(0, 6), SECRET.slice(-8)]) expect(text).not.toContain(part);
  });

  it('accepts the command line spellings of integers and booleans, and fills defaults', async () => {
    const done = await runToEnd('restart', { TARGET: 'db', COUNT: '4', FORCE: 'false' });
    expect(done['output']).toContain('CLOUDO_PARAM_COUNT=4\nCLOUDO_PARAM_FORCE=false\nCLOUDO_PARAM_MODE=soft\n');
    const defaults = await runToEnd('restart', { TARGET: 'db' });
    expect(defaults['params']).toEqual({ TARGET: 'db', COUNT: '2', MODE: 'soft' });
  });

  it.each([
    [{ TARGET: 'a', NOPE: 1 }, 'params.NOPE', /Unknown parameter/],
    [{ TARGET: 'a', COUNT: 'three' }, 'params.COUNT', /integer/],
    [{ TARGET: 'a', COUNT: 1.5 }, 'params.COUNT', /integer/],
    [{ TARGET: 'a', COUNT: 9 }, 'params.COUNT', /at most 5/],
    [{ TARGET: 'a', FORCE: 'yes' }, 'params.FORCE', /boolean/],
    [{ TARGET: 'a', MODE: 'medium' }, 'params.MODE', /one of "soft", "hard"/],
    [{ TARGET: 'Web 1' }, 'params.TARGET', /pattern/],
    [{ TARGET: ['a'] }, 'params.TARGET', /string/],
    [{ COUNT: 2 }, 'params.TARGET', /required/],
  ])('refuses %j with a 400 naming %s', async (params, field, message) => {
    const res = await trigger('restart', { params });
    expect(res.status).toBe(400);
    expect(res.body['error']).toMatchObject({ code: 'bad_request', field });
    expect(String((res.body['error'] as Record<string, unknown>)['message'])).toMatch(message);
  });

  it('refuses a body the mapping does not expect, rather than ignoring it', async () => {
    const other = await trigger('restart', { params: { TARGET: 'a' }, extra: 1 });
    expect(other.status).toBe(400);
    expect(other.body['error']).toMatchObject({ field: 'extra' });
    const none = await trigger('plain', { params: { X: '1' } });
    expect(none.status).toBe(400);
    expect(none.body['error']).toMatchObject({ field: 'params' });
    const alert = await trigger('plain', alertFixture('azmon-metric-fired.json'));
    expect(alert.status).toBe(400);
    expect(alert.body['error']).toMatchObject({ field: 'id' });
    expect(String((alert.body['error'] as Record<string, unknown>)['message'])).toMatch(/without \?id=/);
    const notObject = await trigger('restart', { params: 'TARGET=a' });
    expect(notObject.status).toBe(400);
    expect(notObject.body['error']).toMatchObject({ field: 'params' });
  });

  it('never stores, logs or shows a secret value', async () => {
    const done = await runToEnd('restart', { TARGET: 'web-2', TOKEN: SECRET });
    const execId = String(done['execId']);
    expect(JSON.stringify(done)).not.toContain(SECRET);
    expect((await fetch(`${rt.url}/api/logs/${execId}?format=text`).then((r) => r.text())).includes(SECRET)).toBe(
      false,
    );
    expect(JSON.stringify((await call('GET', `${rt.url}/api/logs?limit=50`)).body)).not.toContain(SECRET);
    expect(rt.logs.join('\n')).not.toContain(SECRET);
    // Storage itself: the record, its index rows and its output pieces; the sealed copy is gone once the run ended.
    const table = TableClient.fromConnectionString(rt.runtime.connectionString, rt.config.executionsTable, {
      allowInsecureConnection: true,
    });
    for await (const row of table.listEntities()) {
      const text = JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString() : v));
      expect(text).not.toContain(SECRET);
      if (String(row.rowKey).includes(execId.split('-')[1] ?? '-')) expect(text).not.toContain('sealed');
    }
  });

  it('dry run checks the parameters and shows the environment, secret values masked', async () => {
    const res = await trigger('restart', { params: { TARGET: 'web-3', TOKEN: SECRET } }, '&dry_run=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, wouldBe: 'queued', params: { TARGET: 'web-3', TOKEN: '[secret]' } });
    const env = res.body['environment'] as Record<string, string>;
    expect(env).toMatchObject({
      CLOUDO_PARAM_TARGET: 'web-3',
      CLOUDO_PARAM_COUNT: '2',
      CLOUDO_PARAM_TOKEN: '[secret]',
    });
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    const bad = await trigger('restart', { params: { TARGET: 'a', COUNT: 0 } }, '&dry_run=true');
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toMatchObject({ field: 'params.COUNT' });
  });

  it('takes parameters from an intake queue message', async () => {
    const queue = QueueServiceClient.fromConnectionString(rt.runtime.connectionString).getQueueClient(
      rt.runtime.config.intakeQueue,
    );
    await queue.createIfNotExists();
    const message = { id: 'restart', params: { TARGET: 'from-queue', COUNT: 5 } };
    await queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
    const found = await readUntil(
      async () => ((await call('GET', `${rt.url}/api/logs?mapping=restart&limit=50`)).body['items'] as Json[]) ?? [],
      (items) => items.some((e) => (e['params'] as Json | null)?.['TARGET'] === 'from-queue'),
    );
    const run = found.find((e) => (e['params'] as Json | null)?.['TARGET'] === 'from-queue') as Json;
    const done = await waitForTerminal(rt.url, String(run['execId']));
    expect(done['output']).toContain('CLOUDO_PARAM_COUNT=5\n');
  });

  it('keeps no parameter value of an intake message it rejects', async () => {
    const queue = QueueServiceClient.fromConnectionString(rt.runtime.connectionString).getQueueClient(
      rt.runtime.config.intakeQueue,
    );
    await queue.createIfNotExists();
    const message = { id: 'restart', params: { TARGET: 'a', TOKEN: SECRET, NOPE: 1 } };
    await queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
    const table = TableClient.fromConnectionString(rt.runtime.connectionString, rt.config.executionsTable, {
      allowInsecureConnection: true,
    });
    const rejected = await readUntil(
      async () => {
        const rows: Record<string, unknown>[] = [];
        for await (const row of table.listEntities({ queryOptions: { filter: "PartitionKey eq 'rejected'" } }))
          rows.push(row);
        return rows;
      },
      (rows) => rows.some((r) => String(r['preview']).includes('NOPE')),
    );
    expect(JSON.stringify(rejected)).not.toContain(SECRET);
    expect(JSON.stringify(rejected)).toContain('[not shown]');
  });

  it('fills a parameter from the alert that triggered the run', async () => {
    const res = await call('POST', `${rt.url}/api/Trigger`, alertFixture('azmon-metric-fired.json'));
    const runs = res.body['executions'] as Json[];
    const run = runs.find((e) => (e['mapping'] as Json)['id'] === 'from-alert') as Json;
    const done = await waitForTerminal(rt.url, String(run['execId']));
    expect(done['output']).toContain('CLOUDO_PARAM_TARGET=test-storageAccount\n');
    expect(done['params']).toEqual({ TARGET: 'test-storageAccount' });
  });
});

type Json = Record<string, unknown>;
