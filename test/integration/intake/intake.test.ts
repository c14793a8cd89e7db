// Queue intake end to end: the same payloads through /api/Trigger and the intake queue give the same executions.
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createStorageClients } from '../../../src/adapters/shared/storage-clients';
import {
  call,
  mappingDoc,
  startTestRuntime,
  waitForTerminal,
  type Json,
  type TestRuntime,
} from '../../support/test-runtime';
import { alertFixtureText } from '../../support/alert-fixtures';

const fixture = alertFixtureText;

const options = {
  mappings: [
    ...mappingDoc('ops', [
      { id: 'ok', name: 'ok', runbook: 'ok.sh' },
      { id: 'gated', name: 'gated', runbook: 'ok.sh', require_approval: true },
      { id: 'capped', name: 'capped', runbook: 'ok.sh', max_runs: { count: 1, window: '1h' } },
    ]),
    ...mappingDoc('azure', [{ id: 'test-metricAlertRule', name: 'metric', runbook: 'ok.sh' }]),
    ...mappingDoc('k8s', [
      { id: 'KubeDeploymentReplicasMismatch', name: 'replicas', runbook: 'ok.sh', run_on: 'both' },
    ]),
  ],
  runbooks: { 'ok.sh': 'echo "ran for ${ALERT_RULE:-manual}"\n' },
};

let viaHttp: TestRuntime;
let viaQueue: TestRuntime;
beforeAll(async () => {
  [viaHttp, viaQueue] = await Promise.all([startTestRuntime(options), startTestRuntime(options)]);
});
afterAll(async () => Promise.all([viaHttp?.stop(), viaQueue?.stop()]));

function intake(rt: TestRuntime, name = rt.runtime.config.intakeQueue): QueueClient {
  return QueueServiceClient.fromConnectionString(rt.runtime.connectionString).getQueueClient(name);
}

/** Drops a message as `az storage message put` does for a base64 queue: the text, base64-encoded. */
async function drop(rt: TestRuntime, text: string): Promise<void> {
  const queue = intake(rt);
  await queue.createIfNotExists();
  await queue.sendMessage(Buffer.from(text, 'utf8').toString('base64'));
}

async function executions(rt: TestRuntime, count: number): Promise<Json[]> {
  for (let i = 0; i < 300; i++) {
    const items = (await call('GET', `${rt.url}/api/logs?limit=50`)).body['items'] as Json[];
    if (items.length >= count) {
      // A run waiting for approval stays so: there is nothing to wait for.
      for (const e of items) if (e['status'] !== 'pending_approval') await waitForTerminal(rt.url, String(e['execId']));
      return (await call('GET', `${rt.url}/api/logs?limit=50`)).body['items'] as Json[];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${count} executions`);
}

// What must agree between the two doors: everything but ids, times and the request's own links.
const comparable = (e: Json) => ({
  mapping: e['mapping'],
  status: e['status'],
  trigger: e['trigger'],
  runbook: e['runbook'],
  alert: e['alert'] === null ? null : { ...(e['alert'] as Json) },
  exitCode: e['exitCode'],
});
const sorted = (xs: Json[]) => xs.map(comparable).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('queue intake', () => {
  it('turns each kind of message into the executions the HTTP call gives', async () => {
    const post = (query: string, body?: string) =>
      fetch(`${viaHttp.url}/api/Trigger${query}`, {
        method: 'POST',
        ...(body ? { headers: { 'Content-Type': 'application/json' }, body } : {}),
      });
    // Approvals and budgets too: one run waits for a human, and of two capped requests one is throttled.
    const manual = ['ok', 'gated', 'capped', 'capped'];
    for (const id of manual) await post(`/ops?id=${id}`);
    await post('', fixture('azmon-metric-fired.json'));
    await post('', fixture('alertmanager-webhook-v4-firing.composed.json'));
    for (const id of manual) await drop(viaQueue, JSON.stringify({ id, partition: 'ops' }));
    await drop(viaQueue, fixture('azmon-metric-fired.json'));
    await drop(viaQueue, fixture('alertmanager-webhook-v4-firing.composed.json'));
    const [http, queued] = await Promise.all([executions(viaHttp, 7), executions(viaQueue, 7)]);
    expect(http).toHaveLength(7);
    expect(http.map((e) => e['status']).sort()).toEqual(
      ['pending_approval', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'throttled'].sort(),
    );
    expect(sorted(queued)).toEqual(sorted(http));
    const ran = queued.find((e) => e['trigger'] === 'manual' && e['status'] === 'succeeded')!;
    expect((await call('GET', `${viaQueue.url}/api/logs/${String(ran['execId'])}`)).body['output']).toBe(
      'ran for manual\n',
    );
  });

  it('runs an alert delivered once by HTTP and once by queue only once', async () => {
    const body = fixture('azmon-metric-fired.json').replace('"Sev4"', '"Sev3"');
    const alert = JSON.parse(body) as { data: { essentials: Json } };
    alert.data.essentials['alertId'] = `dup-${Date.now()}`;
    const text = JSON.stringify(alert);
    const before = ((await call('GET', `${viaHttp.url}/api/logs?limit=50`)).body['items'] as Json[]).length;
    const res = await fetch(`${viaHttp.url}/api/Trigger`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: text,
    });
    expect(res.status).toBe(202);
    await drop(viaHttp, text);
    await waitForEmpty(intake(viaHttp));
    const after = (await call('GET', `${viaHttp.url}/api/logs?limit=50`)).body['items'] as Json[];
    expect(after.length - before).toBe(1);
    expect(viaHttp.logs.some((l) => /intake .*1 alert\(s\), 1 execution\(s\)/.test(l))).toBe(true);
  });

  it('records a malformed message, or one naming no mapping, and consumes it', async () => {
    await drop(viaQueue, '{"hello": "world"}');
    await drop(viaQueue, JSON.stringify({ id: 'no-such-mapping' }));
    const queue = intake(viaQueue);
    await waitForEmpty(queue);
    const poison = intake(viaQueue, `${viaQueue.runtime.config.intakeQueue}-poison`);
    expect((await poison.exists()) ? (await poison.peekMessages()).peekedMessageItems : []).toHaveLength(0);
    const clients = createStorageClients(viaQueue.runtime.connectionString, viaQueue.runtime.config);
    const recorded = await createExecutionTable(clients.executions).listRejectedMessages(10);
    expect(recorded.map((r) => r.queue)).toEqual([
      viaQueue.runtime.config.intakeQueue,
      viaQueue.runtime.config.intakeQueue,
    ]);
    expect(recorded.some((r) => r.reason.startsWith('not a run request') && r.preview === '{"hello":"world"}')).toBe(
      true,
    );
    expect(recorded.some((r) => r.reason.includes('No mapping with id "no-such-mapping"'))).toBe(true);
  });
});

async function waitForEmpty(queue: QueueClient): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const props = await queue.getProperties();
    const peeked = await queue.peekMessages();
    if ((props.approximateMessagesCount ?? 0) === 0 && peeked.peekedMessageItems.length === 0) {
      // The last message may be invisible while it is handled: give the handler time to finish.
      await new Promise((r) => setTimeout(r, 500));
      if ((await queue.getProperties()).approximateMessagesCount === 0) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`queue ${queue.name} did not drain`);
}
