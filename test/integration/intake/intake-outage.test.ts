// Intake under a storage outage: the message is retried, lands in the poison queue, and `intake replay` runs it.
import { createAdminServices } from '../../../src/composition/admin-wiring';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createIntakeQueues } from '../../../src/adapters/intake/intake-queue';
import { createStorageClients } from '../../../src/adapters/shared/storage-clients';
import { runIntake } from '../../../src/cli/intake-commands';
import {
  call,
  mappingDoc,
  startTestRuntime,
  waitForTerminal,
  type Json,
  type TestRuntime,
} from '../../support/test-runtime';
import { proxyTables, type TcpProxy } from '../../support/tcp-proxy';

const MAX_DEQUEUE = 3;
let proxy: TcpProxy;
let rt: TestRuntime;

beforeAll(async () => {
  // Tables go through the proxy, queues do not: the run request keeps arriving while its tables are down.
  const tables = await proxyTables(inject('storageConnection'));
  proxy = tables.proxy;
  const viaProxy = tables.connection;
  rt = await startTestRuntime({
    mappings: mappingDoc('ops', [{ id: 'ok', name: 'ok', runbook: 'ok.sh' }]),
    runbooks: { 'ok.sh': 'echo replayed\n' },
    env: { CLOUDO_STORAGE_CONNECTION: viaProxy },
    queueOverrides: { maxDequeueCount: MAX_DEQUEUE, visibilityTimeoutMs: 200 },
  });
});
afterAll(async () => {
  proxy?.up();
  await rt?.stop();
  await proxy?.close();
});

describe('intake during a storage outage', () => {
  it('retries, poisons after maxDequeueCount, and runs once replayed', async () => {
    const service = QueueServiceClient.fromConnectionString(rt.runtime.connectionString);
    const intake = rt.runtime.config.intakeQueue;
    const poison = service.getQueueClient(`${intake}-poison`);
    proxy.down();
    await service.getQueueClient(intake).sendMessage(Buffer.from('{"id":"ok"}').toString('base64'));
    let poisoned = 0;
    for (let i = 0; i < 600 && poisoned === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (await poison.exists()) poisoned = (await poison.peekMessages()).peekedMessageItems.length;
    }
    expect(poisoned).toBe(1);
    // Poisoned by the trigger after its tries, not rejected by ClouDO: a storage outage is worth retrying.
    expect(rt.logs.some((l) => l.includes(`failed on dequeue ${MAX_DEQUEUE} (maxDequeueCount ${MAX_DEQUEUE})`))).toBe(
      true,
    );
    expect(rt.logs.some((l) => l.includes('rejected:'))).toBe(false);
    proxy.up();
    expect(((await call('GET', `${rt.url}/api/logs`)).body['items'] as Json[]).length).toBe(0);

    const lines: string[] = [];
    const clients = createStorageClients(rt.runtime.connectionString, rt.runtime.config);
    const code = await runIntake('replay', [], {
      queues: createIntakeQueues(clients.queues),
      rejected: createExecutionTable(clients.executions),
      audit: (entry) => createAdminServices(rt.runtime.config, clients).audit(entry),
      actor: { kind: 'person', id: 'cli:tester', name: 'tester' },
      intakeQueue: intake,
      print: (l) => lines.push(l),
    });
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/replayed 1 message/);
    let items: Json[] = [];
    for (let i = 0; i < 300 && items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      items = (await call('GET', `${rt.url}/api/logs`)).body['items'] as Json[];
    }
    expect(items).toHaveLength(1);
    expect((await waitForTerminal(rt.url, String(items[0]!['execId'])))['output']).toBe('replayed\n');
  });
});
