// The idempotency claim under concurrency and failure: duplicates wait and get 2xx, dead claims are taken over after
// the lease or adopted, and every alert event runs once.
import { TableClient } from '@azure/data-tables';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertRecords } from '../../../src/adapters/alerts/alert-records';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { compactKey } from '../../../src/domain/alerts/alert';
import { parseAlertPayload } from '../../../src/domain/alerts/alert-payload';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution } from '../../../src/domain/runs/execution';
import type { ClaimStore, ExecutionStore } from '../../../src/services/runs/ports';
import { CLAIM_TIMING } from '../../../src/services/runs/record-once';
import { sampleMapping } from '../../support/fixtures';
import {
  call,
  mappingDoc,
  startTestRuntime,
  waitForTerminal,
  type Json,
  type TestRuntime,
} from '../../support/test-runtime';
import { alertFixture } from '../../support/alert-fixtures';
import { writableDir } from '../../support/runbook-dirs';

// The runbook, run as another user when the tests run as root, appends here.
const out = writableDir('cloudo-claims-');
const SHORT_LEASE_MS = 1_000;

type Harness = { rt: TestRuntime; claims: ClaimStore; executions: ExecutionStore };
let prod: Harness;
let short: Harness;

async function harness(claimTiming?: { leaseMs: number; waitMs: number }): Promise<Harness> {
  const rt = await startTestRuntime({
    mappings: mappingDoc('azure', [{ id: 'claimed-rule', name: 'claimed', runbook: 'ran.sh' }]),
    // Appends its execution id: how many times each execution ran is read from the file.
    runbooks: { 'ran.sh': 'echo "$CLOUDO_EXEC_ID" >> "$OUT_DIR/ran.log"\n' },
    env: { CLOUDO_RUNBOOK_ENV_ALLOW: 'OUT_DIR', OUT_DIR: out },
    ...(claimTiming ? { claimTiming } : {}),
  });
  const table = TableClient.fromConnectionString(rt.runtime.connectionString, rt.config.executionsTable, {
    allowInsecureConnection: true,
  });
  return { rt, claims: createAlertRecords(table).claims, executions: createExecutionTable(table) };
}

beforeAll(async () => {
  [prod, short] = await Promise.all([harness(), harness({ leaseMs: SHORT_LEASE_MS, waitMs: 5_000 })]);
});
afterAll(async () => {
  await Promise.all([prod?.rt.stop(), short?.rt.stop()]);
  rmSync(out, { recursive: true, force: true });
});

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

async function post(h: Harness, body: Json) {
  const res = await fetch(`${h.rt.url}/api/Trigger`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const firstRun = (body: Json) => (body['executions'] as Json[])[0] ?? {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const runsOf = (execId: string) =>
  readFileSync(path.join(out, 'ran.log'), 'utf8')
    .split('\n')
    .filter((l) => l === execId);

/** What a request that died after recording its execution (but before queueing it) leaves behind. */
async function recordedOnly(h: Harness, execId: string, at: Date): Promise<void> {
  const mapping = sampleMapping({ partition: 'azure', id: 'claimed-rule', runbook: 'ran.sh' });
  await h.executions.create(
    newExecution({ execId, mapping, trigger: 'azure-monitor', now: at, defaultTimeoutSeconds: 60 }),
  );
}

async function executionsFor(h: Harness, alertId: unknown): Promise<Json[]> {
  const items = (await call('GET', `${h.rt.url}/api/logs?mapping=claimed-rule&limit=200`)).body['items'] as Json[];
  return items.filter((i) => (i['alert'] as Json | null)?.['alertId'] === alertId);
}

describe('concurrent deliveries', () => {
  it('answers 10 concurrent copies of one alert with 2xx, records one execution and runs it once', async () => {
    const { body } = freshAlert();
    const replies = await Promise.all(Array.from({ length: 10 }, () => post(prod, body)));
    expect(replies.map((r) => r.status).filter((s) => s !== 200 && s !== 202)).toEqual([]);
    const ids = new Set(replies.map((r) => String(firstRun(r.body)['execId'])));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => firstRun(r.body)['duplicate'] === false)).toHaveLength(1);
    const [execId] = [...ids] as [string];
    expect((await waitForTerminal(prod.rt.url, execId))['status']).toBe('succeeded');
    const alertId = ((body['data'] as Json)['essentials'] as Json)['alertId'];
    expect(await executionsFor(prod, alertId)).toHaveLength(1);
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('waits for a claimant that is still recording, and answers with its run as a duplicate', async () => {
    const { body, key } = freshAlert();
    const execId = newExecId(new Date());
    await prod.claims.claimKey(key, execId, new Date());
    const reply = post(prod, body);
    await sleep(1_000);
    await recordedOnly(prod, execId, new Date());
    await prod.claims.commitKey(key, execId);
    const res = await reply;
    expect(res.status).toBe(200);
    expect(firstRun(res.body)).toMatchObject({ execId, duplicate: true });
  });

  it('records the run itself when the claimant fails and frees the key while it waits', async () => {
    const { body, key } = freshAlert();
    const claimed = await prod.claims.claimKey(key, newExecId(new Date()), new Date());
    if (claimed.kind !== 'claimed') throw new Error('expected a fresh claim');
    const reply = post(prod, body);
    await sleep(1_000);
    await prod.claims.releaseKey(key, claimed.token);
    const res = await reply;
    expect(res.status).toBe(202);
    const execId = String(firstRun(res.body)['execId']);
    expect(firstRun(res.body)['duplicate']).toBe(false);
    expect((await waitForTerminal(prod.rt.url, execId))['status']).toBe('succeeded');
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('adopts the run of a claimant still recording when the wait is over, and runs it once', async () => {
    const { body, key } = freshAlert();
    const execId = newExecId(new Date());
    await prod.claims.claimKey(key, execId, new Date());
    await recordedOnly(prod, execId, new Date());
    const res = await post(prod, body);
    expect(res.status).toBe(200);
    expect(firstRun(res.body)).toMatchObject({ execId, duplicate: true });
    expect((await waitForTerminal(prod.rt.url, execId))['status']).toBe('succeeded');
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('answers 503 only while a live claimant has recorded nothing, once the wait is over', async () => {
    const { body, key } = freshAlert();
    await prod.claims.claimKey(key, newExecId(new Date()), new Date());
    const res = await post(prod, body);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'busy' } });
  });
});

describe('a claimant that died mid-delivery', () => {
  it('is taken over once the 30 s lease is over: the re-delivery records and runs the alert once', async () => {
    const { body, key } = freshAlert();
    const past = new Date(Date.now() - CLAIM_TIMING.leaseMs - 1_000);
    await prod.claims.claimKey(key, newExecId(past), past);
    const res = await post(prod, body);
    expect(res.status).toBe(202);
    const execId = String(firstRun(res.body)['execId']);
    expect((await waitForTerminal(prod.rt.url, execId))['status']).toBe('succeeded');
    expect(firstRun((await post(prod, body)).body)).toMatchObject({ duplicate: true, execId });
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('is taken over by a re-delivery after a short lease, which answers 2xx and runs the alert once', async () => {
    const { body, key } = freshAlert();
    // Claimed just now, by a request that will never finish.
    await short.claims.claimKey(key, newExecId(new Date()), new Date());
    await sleep(SHORT_LEASE_MS);
    const res = await post(short, body);
    expect(res.status).toBe(202);
    const execId = String(firstRun(res.body)['execId']);
    expect((await waitForTerminal(short.rt.url, execId))['status']).toBe('succeeded');
    const again = await post(short, body);
    expect(again.status).toBe(200);
    expect(firstRun(again.body)).toMatchObject({ duplicate: true, execId });
    const alertId = ((body['data'] as Json)['essentials'] as Json)['alertId'];
    expect(await executionsFor(short, alertId)).toHaveLength(1);
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('is taken over by a delivery waiting for it when the lease runs out during the wait', async () => {
    const { body, key } = freshAlert();
    await short.claims.claimKey(key, newExecId(new Date()), new Date());
    const res = await post(short, body);
    expect(res.status).toBe(202);
    const execId = String(firstRun(res.body)['execId']);
    expect((await waitForTerminal(short.rt.url, execId))['status']).toBe('succeeded');
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('had recorded its run but not queued it: the re-delivery adopts it and it runs once', async () => {
    const { body, key } = freshAlert();
    const execId = newExecId(new Date());
    await short.claims.claimKey(key, execId, new Date());
    await recordedOnly(short, execId, new Date());
    await sleep(SHORT_LEASE_MS);
    const res = await post(short, body);
    expect(res.status).toBe(200);
    expect(firstRun(res.body)).toMatchObject({ execId, duplicate: true });
    expect((await waitForTerminal(short.rt.url, execId))['status']).toBe('succeeded');
    expect(firstRun((await post(short, body)).body)).toMatchObject({ duplicate: true, execId });
    expect(runsOf(execId)).toHaveLength(1);
  });

  it('adopts a run recorded long ago by a request that died, with the production lease', async () => {
    const { body, key } = freshAlert();
    const past = new Date(Date.now() - CLAIM_TIMING.leaseMs - 1_000);
    const execId = newExecId(past);
    await prod.claims.claimKey(key, execId, past);
    await recordedOnly(prod, execId, past);
    const res = await post(prod, body);
    expect(res.status).toBe(200);
    expect(firstRun(res.body)).toMatchObject({ execId, duplicate: true });
    expect((await waitForTerminal(prod.rt.url, execId))['status']).toBe('succeeded');
    expect(runsOf(execId)).toHaveLength(1);
  });
});

describe('unmatched alerts', () => {
  it('records an unmatched alert once, however often it is delivered', async () => {
    const rule = `unmatched-${Date.now()}`;
    const { body } = freshAlert(rule);
    await Promise.all([post(prod, body), post(prod, body), post(prod, body)]);
    const listed = (await (await fetch(`${prod.rt.url}/api/alerts/unmatched?limit=200`)).json()) as Json;
    expect((listed['items'] as Json[]).filter((i) => i['rule'] === rule)).toHaveLength(1);
  });
});
