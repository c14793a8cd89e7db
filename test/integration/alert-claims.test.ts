// The idempotency claim under failure: live claims answer 503, dead ones are taken over or adopted, never lost.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertRecords } from '../../src/adapters/alert-records';
import { createExecutionTable } from '../../src/adapters/execution-table';
import { compactKey } from '../../src/domain/alert';
import { parseAlertPayload } from '../../src/domain/alert-payload';
import { newExecId } from '../../src/domain/exec-id';
import { newExecution } from '../../src/domain/execution';
import type { AlertRecordStore, ExecutionStore } from '../../src/services/ports';
import { sampleMapping } from '../support/fixtures';
import { mappingDoc, startTestRuntime, waitForTerminal, type Json, type TestRuntime } from '../support/test-runtime';
import { alertFixture } from '../support/alert-fixtures';

let rt: TestRuntime;
let records: AlertRecordStore;
let executions: ExecutionStore;

beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: mappingDoc('azure', [{ id: 'claimed-rule', name: 'claimed', runbook: 'ok.sh' }]),
    runbooks: { 'ok.sh': 'echo ok\n' },
  });
  const table = TableClient.fromConnectionString(rt.runtime.connectionString, rt.config.executionsTable, {
    allowInsecureConnection: true,
  });
  records = createAlertRecords(table);
  executions = createExecutionTable(table);
});
afterAll(async () => rt?.stop());

/** A fresh alert event for the mapping, and the key ClouDO claims for it. */
function freshAlert(rule = 'claimed-rule'): { body: Json; key: string } {
  const body = alertFixture<Json>('azmon-metric-fired.json');
  const essentials = (body['data'] as Json)['essentials'] as Json;
  essentials['alertRule'] = rule;
  essentials['alertId'] = `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/${newExecId(new Date())}`;
  const parsed = parseAlertPayload(body);
  if (!parsed.ok || !parsed.alerts[0]) throw new Error('fixture did not parse');
  return { body, key: compactKey(`${parsed.alerts[0].alert.idempotencyKey}|azure|${rule}`) };
}

async function post(body: Json) {
  const res = await fetch(`${rt.url}/api/Trigger`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const firstRun = (body: Json) => (body['executions'] as Json[])[0] ?? {};

describe('idempotency claims', () => {
  it('answers 503 while another request is still recording the same event', async () => {
    const { body, key } = freshAlert();
    await records.claimKey(key, newExecId(new Date()), new Date());
    const res = await post(body);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'busy' } });
  });

  it('takes over a claim whose request died before recording anything, and runs the alert', async () => {
    const { body, key } = freshAlert();
    await records.claimKey(key, newExecId(new Date()), new Date(Date.now() - 10 * 60_000));
    const res = await post(body);
    expect(res.status).toBe(202);
    expect((await waitForTerminal(rt.url, String(firstRun(res.body)['execId'])))['status']).toBe('succeeded');
    expect(firstRun((await post(body)).body)).toMatchObject({ duplicate: true, execId: firstRun(res.body)['execId'] });
  });

  it('adopts a claim whose request recorded the run but died before queuing it, and runs it once', async () => {
    const { body, key } = freshAlert();
    const longAgo = new Date(Date.now() - 10 * 60_000);
    const execId = newExecId(longAgo);
    await records.claimKey(key, execId, longAgo);
    const mapping = sampleMapping({ partition: 'azure', id: 'claimed-rule', runbook: 'ok.sh' });
    await executions.create(
      newExecution({ execId, mapping, trigger: 'azure-monitor', now: longAgo, defaultTimeoutSeconds: 60 }),
    );
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(firstRun(res.body)).toMatchObject({ execId, duplicate: true });
    expect((await waitForTerminal(rt.url, execId))['status']).toBe('succeeded');
  });

  it('records an unmatched alert once, however often it is delivered', async () => {
    const rule = `unmatched-${Date.now()}`;
    const { body } = freshAlert(rule);
    await Promise.all([post(body), post(body), post(body)]);
    const listed = (await (await fetch(`${rt.url}/api/alerts/unmatched?limit=200`)).json()) as Json;
    expect((listed['items'] as Json[]).filter((i) => i['rule'] === rule)).toHaveLength(1);
  });
});
