// Deeply nested JSON: a 400 naming the limit and the field over HTTP; on the intake queue, a recorded rejection.
import { QueueServiceClient } from '@azure/storage-queue';
import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createStorageClients } from '../../../src/adapters/shared/storage-clients';
import { MAX_JSON_DEPTH } from '../../../src/domain/shared/json-depth';
import type { QueueMount } from '../../../src/local/local-host';
import { alertFixture } from '../../support/alert-fixtures';
import { readUntil } from '../../support/poll';
import { call, mappingDoc, startTestRuntime, type Json, type TestRuntime } from '../../support/test-runtime';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: mappingDoc('azure', [{ id: 'test-metricAlertRule', name: 'metric', runbook: 'ok.sh' }]),
    runbooks: { 'ok.sh': 'echo ok\n' },
  });
});
afterAll(async () => rt?.stop());

/** The metric fixture, which the mapping claims, with `alertContext` holding `depth` nested arrays, as text. */
function deepAlert(depth: number): string {
  const body = alertFixture<Json>('azmon-metric-fired.json');
  const essentials = (body['data'] as Json)['essentials'] as Json;
  essentials['alertId'] = `deep-${depth}-${Date.now()}`;
  (body['data'] as Json)['alertContext'] = '__DEEP__';
  return JSON.stringify(body).replace('"__DEEP__"', `${'['.repeat(depth)}1${']'.repeat(depth)}`);
}

const post = (text: string, query = '') =>
  fetch(`${rt.url}/api/Trigger${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: text,
  });

async function rejections(): Promise<{ reason: string; preview: string }[]> {
  const clients = createStorageClients(rt.runtime.connectionString, rt.runtime.config);
  return createExecutionTable(clients.executions).listRejectedMessages(50);
}

describe('deeply nested JSON', () => {
  it.each([5_000, 100_000])(
    'answers a matched alert nesting %i levels with 400 naming the limit and field',
    async (n) => {
      for (const query of ['', '?dry_run=true']) {
        const res = await post(deepAlert(n), query);
        expect(res.status).toBe(400);
        const { error } = (await res.json()) as { error: Json };
        expect(error).toMatchObject({ code: 'bad_request', field: 'data.alertContext' });
        expect(String(error['message'])).toContain(String(MAX_JSON_DEPTH));
      }
    },
  );

  it('takes an alert nesting exactly to the limit, and refuses one level more', async () => {
    // The body is an object holding `data` holding `alertContext`: two levels before the arrays.
    expect((await post(deepAlert(MAX_JSON_DEPTH - 2))).status).toBe(202);
    expect((await post(deepAlert(MAX_JSON_DEPTH - 1))).status).toBe(400);
    const listed = await call('GET', `${rt.url}/api/logs?limit=200`);
    expect(listed.body['items']).toHaveLength(1);
  });

  it('records a deep message on the intake queue as rejected and consumes it', async () => {
    const service = QueueServiceClient.fromConnectionString(rt.runtime.connectionString);
    const queue = service.getQueueClient(rt.runtime.config.intakeQueue);
    await queue.createIfNotExists();
    // 20,000 levels is about as deep as a 64 KB queue message can hold once base64-encoded.
    for (const n of [5_000, 20_000]) await queue.sendMessage(Buffer.from(deepAlert(n)).toString('base64'));
    const recorded = await readUntil(rejections, (r) => r.length >= 2);
    expect(recorded.every((r) => r.reason.includes('data.alertContext') && r.reason.includes('64'))).toBe(true);
    await readUntil(
      async () => (await queue.getProperties()).approximateMessagesCount ?? 0,
      (count) => count === 0,
    );
    const poisonQueue = service.getQueueClient(`${rt.runtime.config.intakeQueue}-poison`);
    expect((await poisonQueue.exists()) ? (await poisonQueue.peekMessages()).peekedMessageItems : []).toHaveLength(0);
  });

  it('records a 100,000-level message the host has already parsed as rejected, without a crash', async () => {
    const intake = rt.runtime.mounts.find((m): m is QueueMount => m.kind === 'queue' && m.name === 'Intake')!;
    const before = (await rejections()).length;
    const context = new InvocationContext({ logHandler: () => undefined, triggerMetadata: { id: 'deep-1' } });
    await intake.handler(JSON.parse(deepAlert(100_000)) as unknown, context);
    const recorded = await rejections();
    expect(recorded).toHaveLength(before + 1);
    expect(recorded[0]?.reason).toContain('data.alertContext');
  });
});
