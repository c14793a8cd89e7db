// Worker delivery semantics on real storage: duplicate deliveries run once, bad messages go to poison.
import { QueueServiceClient } from '@azure/storage-queue';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../src/composition/app-services';
import type { AppServices } from '../../../src/composition/service-groups';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import { silentWriter, createSourceLogger } from '../../../src/local/console-log';
import { writableDir } from '../../support/runbook-dirs';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';

const log = createSourceLogger(silentWriter, 'test');
let rt: TestRuntime;
let services: AppServices;
let marker = '';

beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: mappingDoc('p', [{ id: 'count', name: 'count', runbook: 'count.sh', worker: 'Solo' }]),
    runbooks: { 'count.sh': '#!/usr/bin/env bash\necho "ran $CLOUDO_EXEC_ID" >> "$MARKER"\nsleep 0.5\n' },
    env: { CLOUDO_RUNBOOK_ENV_ALLOW: 'MARKER', MARKER: 'placeholder' },
  });
  // Written by runbooks, which run as their own user.
  marker = path.join(writableDir('cloudo-delivery-'), 'marker.txt');
  // A second set of services on the same storage plays "another worker instance"; its runbooks write the marker.
  services = createAppServices({ ...rt.config, runbookBaseEnv: { ...rt.config.runbookBaseEnv, MARKER: marker } });
});
afterAll(async () => {
  await rt?.stop();
  if (marker) rmSync(path.dirname(marker), { recursive: true, force: true });
});

const queueName = () => queueNameForPool(rt.config.queuePrefix, 'Solo');

async function queuedExecution(): Promise<string> {
  // Stop the runtime's own worker from taking it: request through services whose queue nobody reads.
  const other = createAppServices({ ...rt.config, queuePrefix: `${rt.config.queuePrefix}idle-` });
  const { execution } = await other.trigger.requestRun({ id: 'count', trigger: 'manual' }, log);
  return execution.execId;
}

describe('worker deliveries', () => {
  it('runs a message delivered twice at the same time exactly once', async () => {
    const execId = await queuedExecution();
    const msg = { queueName: queueName(), messageId: 'm1', body: { v: 1, execId } };
    const outcomes = await Promise.all([
      services.worker.handleRunMessage(msg, log),
      services.worker.handleRunMessage(msg, log),
    ]);
    expect(outcomes.sort()).toEqual(['duplicate', 'ran']);
    expect(await services.worker.handleRunMessage(msg, log)).toBe('duplicate');
    const lines = readFileSync(marker, 'utf8')
      .split('\n')
      .filter((l) => l.includes(execId));
    expect(lines).toHaveLength(1);
    expect((await services.executions.get(execId)).status).toBe('succeeded');
  });

  it('sends an unparseable message to poison, records it, and keeps working', async () => {
    const queues = QueueServiceClient.fromConnectionString(rt.runtime.connectionString);
    await queues.getQueueClient(queueName()).sendMessage(Buffer.from('not json {').toString('base64'));
    await queues
      .getQueueClient(queueName())
      .sendMessage(Buffer.from(JSON.stringify({ v: 1, execId: 'x' })).toString('base64'));
    const poison = queues.getQueueClient(`${queueName()}-poison`);
    const texts = await waitForMessages(poison, 2);
    expect(texts).toEqual(expect.arrayContaining(['not json {', JSON.stringify({ v: 1, execId: 'x' })]));
    expect(rt.logs.some((l) => l.includes('poison message'))).toBe(true);
    const res = await call('POST', `${rt.url}/api/Trigger?id=count`);
    expect((await waitForTerminal(rt.url, String(res.body['execId'])))['status']).toBe('succeeded');
  });
});

async function waitForMessages(queue: ReturnType<QueueServiceClient['getQueueClient']>, n: number): Promise<string[]> {
  const until = Date.now() + 30_000;
  for (;;) {
    const peeked = await queue.peekMessages({ numberOfMessages: 32 }).catch(() => null);
    const texts = (peeked?.peekedMessageItems ?? []).map((m) => Buffer.from(m.messageText, 'base64').toString('utf8'));
    if (texts.length >= n) return texts;
    if (Date.now() > until) throw new Error(`poison queue has ${texts.length} of ${n} messages`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
