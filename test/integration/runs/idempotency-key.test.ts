// Manual triggers with an Idempotency-Key (and intake messages with a requestId): one run per key, whoever retries.
import { QueueServiceClient } from '@azure/storage-queue';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAlertRecords } from '../../../src/adapters/alerts/alert-records';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createStorageClients, ensureTables } from '../../../src/adapters/shared/storage-clients';
import { createAppServices } from '../../../src/composition/app-services';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { silentWriter, createSourceLogger } from '../../../src/local/console-log';
import { isolatedConfig } from '../../support/fixtures';
import {
  call,
  dropStorage,
  mappingDoc,
  startTestRuntime,
  waitForTerminal,
  type Json,
  type TestRuntime,
} from '../../support/test-runtime';
import { readUntil } from '../../support/poll';
import { writableDir } from '../../support/runbook-dirs';

// The runbook, run as another user when the tests run as root, appends here.
const out = writableDir('cloudo-idem-');
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: mappingDoc('ops', [
      { id: 'ran', name: 'ran', runbook: 'ran.sh' },
      { id: 'other', name: 'other', runbook: 'ran.sh' },
      { id: 'gated', name: 'gated', runbook: 'ran.sh', require_approval: true },
      { id: 'capped', name: 'capped', runbook: 'ran.sh', max_runs: { count: 1, window: '1h' } },
    ]),
    // Appends its execution id: how many times each execution ran is read from the file.
    runbooks: { 'ran.sh': 'echo "$CLOUDO_EXEC_ID" >> "$OUT_DIR/ran.log"\n' },
    env: { CLOUDO_RUNBOOK_ENV_ALLOW: 'OUT_DIR', OUT_DIR: out },
  });
});
afterAll(async () => {
  await rt?.stop();
  rmSync(out, { recursive: true, force: true });
});

let seq = 0;
const freshKey = () => `key-${Date.now()}-${++seq}`;

async function trigger(id: string, key?: string) {
  const res = await fetch(`${rt.url}/api/Trigger?id=${id}`, {
    method: 'POST',
    headers: key === undefined ? {} : { 'Idempotency-Key': key },
  });
  return { status: res.status, body: (await res.json()) as Json, location: res.headers.get('location') };
}

const runsOf = (execId: string) =>
  readFileSync(path.join(out, 'ran.log'), 'utf8')
    .split('\n')
    .filter((l) => l === execId);

async function listed(mapping: string): Promise<Json[]> {
  return (await call('GET', `${rt.url}/api/logs?mapping=${mapping}&limit=200`)).body['items'] as Json[];
}

describe('Idempotency-Key on manual triggers', () => {
  it('runs a request sent twice with the same key once, and answers the repeat with the first execution', async () => {
    const key = freshKey();
    const before = (await listed('ran')).length;
    const first = await trigger('ran', key);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ duplicate: false, status: 'queued' });
    const execId = String(first.body['execId']);
    await waitForTerminal(rt.url, execId);
    const again = await trigger('ran', key);
    expect(again).toMatchObject({ status: 202, location: first.location, body: { execId, duplicate: true } });
    expect(again.body['status']).toBe('succeeded');
    expect((await listed('ran')).length - before).toBe(1);
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('runs 5 concurrent requests with the same key once', async () => {
    const key = freshKey();
    const replies = await Promise.all(Array.from({ length: 5 }, () => trigger('ran', key)));
    expect(replies.map((r) => r.status)).toEqual(Array(5).fill(202));
    const ids = new Set(replies.map((r) => String(r.body['execId'])));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => r.body['duplicate'] === false)).toHaveLength(1);
    const [execId] = [...ids] as [string];
    await waitForTerminal(rt.url, execId);
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('refuses the same key for another mapping with 422, and runs nothing', async () => {
    const key = freshKey();
    expect((await trigger('ran', key)).status).toBe(202);
    const before = (await listed('other')).length;
    const res = await trigger('other', key);
    expect(res.status).toBe(422);
    expect(res.body['error']).toMatchObject({ code: 'unprocessable', field: 'Idempotency-Key' });
    expect((await listed('other')).length).toBe(before);
  });

  it('answers a repeat as the first was answered: 200 for a throttled run, 202 with links for an approval', async () => {
    await trigger('capped');
    const key = freshKey();
    const throttled = await trigger('capped', key);
    expect(throttled).toMatchObject({ status: 200, body: { status: 'throttled', duplicate: false } });
    expect(await trigger('capped', key)).toMatchObject({
      status: 200,
      body: { execId: throttled.body['execId'], status: 'throttled', duplicate: true },
    });
    const gatedKey = freshKey();
    const gated = await trigger('gated', gatedKey);
    expect(gated).toMatchObject({ status: 202, body: { status: 'pending_approval' } });
    expect(await trigger('gated', gatedKey)).toMatchObject({
      status: 202,
      body: { execId: gated.body['execId'], duplicate: true, links: gated.body['links'] },
    });
  });

  it('reads a structured-field string ("…") and the bare key as the same key', async () => {
    const key = freshKey();
    const first = await trigger('ran', `"${key}"`);
    expect(await trigger('ran', key)).toMatchObject({ body: { execId: first.body['execId'], duplicate: true } });
  });

  it.each([
    ['empty', ''],
    ['a space', 'a b'],
    ['too long', 'k'.repeat(256)],
    ['non-ASCII', 'clé'],
    ['given twice', 'a, b'],
  ])('refuses a key that is %s with 400 naming the header', async (_name, key) => {
    const res = await trigger('ran', key);
    expect(res.status).toBe(400);
    expect(res.body['error']).toMatchObject({ code: 'bad_request', field: 'Idempotency-Key' });
  });
});

describe('requestId on intake messages', () => {
  async function drop(message: Json): Promise<void> {
    const queue = QueueServiceClient.fromConnectionString(rt.runtime.connectionString).getQueueClient(
      rt.runtime.config.intakeQueue,
    );
    await queue.createIfNotExists();
    await queue.sendMessage(Buffer.from(JSON.stringify(message), 'utf8').toString('base64'));
  }

  it('runs a message sent twice with the same requestId once, and rejects the id reused for another mapping', async () => {
    const requestId = freshKey();
    const before = (await listed('other')).length;
    await drop({ id: 'other', partition: 'ops', requestId });
    await drop({ id: 'other', partition: 'ops', requestId });
    const items = await readUntil(
      () => listed('other'),
      (xs) => xs.length > before,
    );
    const execId = String(items[0]?.['execId']);
    // Both messages were handled, and both were answered with the one execution.
    await readUntil(
      async () => rt.logs.filter((l) => / intake \S+: /.test(l) && l.includes(execId)).length,
      (n) => n >= 2,
    );
    expect((await listed('other')).length - before).toBe(1);
    await waitForTerminal(rt.url, execId);
    expect(runsOf(execId)).toHaveLength(1);
    await drop({ id: 'ran', partition: 'ops', requestId });
    const clients = createStorageClients(rt.runtime.connectionString, rt.runtime.config);
    const rejected = await readUntil(
      () => createExecutionTable(clients.executions).listRejectedMessages(10),
      (r) => r.some((m) => m.reason.includes('requestId')),
    );
    expect(rejected[0]?.reason).toMatch(/requestId was already used for a request to another mapping/);
  });
});

describe('retention of idempotency keys', () => {
  it('keeps a key at least a day, and the Sweeper deletes it after the retention period', async () => {
    const config = isolatedConfig(inject('storageConnection'), { CLOUDO_RETENTION_DAYS: '1' });
    const services = createAppServices(config);
    try {
      await ensureTables(createStorageClients(inject('storageConnection'), config));
      const keys = createAlertRecords(createStorageClients(inject('storageConnection'), config).executions).requestKeys;
      const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
      await keys.claimKey('old', newExecId(hoursAgo(25)), hoursAgo(25), 'f');
      await keys.claimKey('young', newExecId(hoursAgo(23)), hoursAgo(23), 'f');
      expect((await services.sweeper.sweep(createSourceLogger(silentWriter, 'test'))).pruned).toBe(1);
      expect((await keys.claimKey('old', newExecId(new Date()), new Date(), 'f')).kind).toBe('claimed');
      expect((await keys.claimKey('young', newExecId(new Date()), new Date(), 'f')).kind).toBe('pending');
    } finally {
      await dropStorage(config);
    }
  });
});
