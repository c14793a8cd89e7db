// Record writes racing a delivery: a status change still lands when only the outbox moved, and loses to real changes.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { finishExecution, newExecution, startExecution } from '../../../src/domain/runs/execution';
import { recordAttempt, newNotification } from '../../../src/domain/oncall/notification';
import { replaceKeepingOutbox } from '../../../src/services/runs/replace-keeping-outbox';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import { sampleAlert, sampleMapping } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

let table: TableClient;
let store: ExecutionStore;
beforeAll(async () => {
  table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('outbox'), {
    allowInsecureConnection: true,
  });
  await table.createTable();
  store = createExecutionTable(table);
});
afterAll(async () => table.deleteTable());

async function claimedRun() {
  const now = new Date();
  const e = newExecution({
    execId: newExecId(now),
    mapping: sampleMapping({ oncall: true, env: { A: 'b' } }),
    trigger: 'azure-monitor',
    now,
    defaultTimeoutSeconds: 60,
    alert: { context: sampleAlert({ rule: 'r' }), idempotencyKey: 'k' },
    requestedBy: 'alert:azure-monitor',
  });
  const withOutbox = { ...e, notifications: [newNotification('chat', 'create', 'approval', '', now)] };
  const created = await store.create(withOutbox);
  const claimed = await replaceKeepingOutbox(store, startExecution(created.value, now), created);
  return claimed!;
}

// A delivery records its outcome from its own fresh read, as the notifier timer does.
async function deliveryWrites(execId: string): Promise<void> {
  const fresh = (await store.get(execId))!;
  const [n] = fresh.value.notifications!;
  const sent = recordAttempt(n!, { ok: true, requestId: 'r-1' }, new Date());
  expect(await store.replaceIf({ ...fresh.value, notifications: [sent] }, fresh)).not.toBeNull();
}

describe('writes racing a delivery', () => {
  it('records the result of a run whose outbox was written while it ran', async () => {
    const claimed = await claimedRun();
    await deliveryWrites(claimed.value.execId);
    const result = { status: 'failed' as const, exitCode: 1, signal: null, durationMs: 5, output: 'boom' };
    const finished = finishExecution(claimed.value, result, new Date());
    const page = newNotification('opsgenie', 'create', 'failure', 'alias', new Date());
    const written = await replaceKeepingOutbox(
      store,
      { ...finished, notifications: [...finished.notifications!, page] },
      claimed,
    );
    expect(written).not.toBeNull();
    const stored = (await store.get(claimed.value.execId))!.value;
    expect(stored.status).toBe('failed');
    expect(stored.notifications?.map((n) => `${n.channel}:${n.state}`)).toEqual(['chat:sent', 'opsgenie:pending']);
  });

  it('loses to a change of substance', async () => {
    const claimed = await claimedRun();
    const fresh = (await store.get(claimed.value.execId))!;
    const lost = finishExecution(
      fresh.value,
      { status: 'error', exitCode: null, signal: null, error: 'lost' },
      new Date(),
    );
    await store.replaceIf(lost, fresh);
    const finished = finishExecution(claimed.value, { status: 'succeeded', exitCode: 0, signal: null }, new Date());
    expect(await replaceKeepingOutbox(store, finished, claimed)).toBeNull();
  });
});
