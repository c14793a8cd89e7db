// An insert the storage client retried after losing its answer: the run it recorded is accepted once, not refused.
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAlertRecords } from '../../../src/adapters/alerts/alert-records';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createRunQueue } from '../../../src/adapters/runs/run-queue';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution, type Execution } from '../../../src/domain/runs/execution';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import type { ExecutionStore } from '../../../src/services/runs/ports';
import type { Logger } from '../../../src/services/shared/ports';
import { recordOnce } from '../../../src/services/runs/record-once';
import { submitExecution } from '../../../src/services/runs/submit-execution';
import { sampleMapping } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

const connection = inject('storageConnection');
const table = TableClient.fromConnectionString(connection, uniqueName('submit'), { allowInsecureConnection: true });
const queues = QueueServiceClient.fromConnectionString(connection);
const prefix = `${uniqueName('submit').slice(0, 20)}-`;
const executions = createExecutionTable(table);
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const mapping = sampleMapping({ partition: 'p', id: 'm', runbook: 'ok.sh' });

beforeAll(async () => table.createTable());
afterAll(async () => {
  await table.deleteTable();
  for await (const q of queues.listQueues({ prefix })) await queues.deleteQueue(q.name);
});

/** Storage whose first insert lands but whose answer is lost: the client's retry then finds the row there. */
const retriedInsert: ExecutionStore = {
  ...executions,
  create: async (e) => {
    await executions.create(e);
    return executions.create(e);
  },
};

const deps = (store: ExecutionStore) => ({ executions: store, queue: createRunQueue(queues, prefix), log: silent });

function fresh(now = new Date()): Execution {
  return newExecution({ execId: newExecId(now), mapping, trigger: 'manual', now, defaultTimeoutSeconds: 60 });
}

async function messagesFor(execId: string): Promise<number> {
  const queue = queues.getQueueClient(queueNameForPool(prefix, mapping.worker));
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.filter((m) => Buffer.from(m.messageText, 'base64').toString().includes(execId))
    .length;
}

describe('an insert retried after its answer was lost', () => {
  it('is the run it recorded: accepted and queued once', async () => {
    const e = fresh();
    const written = await submitExecution(deps(retriedInsert), e);
    expect(written.value).toMatchObject({ execId: e.execId, status: 'queued' });
    expect(await messagesFor(e.execId)).toBe(1);
  });

  it('still refuses an id another request recorded, for the caller to settle', async () => {
    const theirs = fresh(new Date(Date.now() - 60_000));
    await executions.create(theirs);
    const ours = { ...fresh(), execId: theirs.execId };
    await expect(submitExecution(deps(executions), ours)).rejects.toMatchObject({ details: { reason: 'exists' } });
  });

  it('records an alert claim once and answers as the first delivery', async () => {
    const claims = createAlertRecords(table).claims;
    const once = await recordOnce(
      { ...deps(retriedInsert), clock: { now: () => new Date() } },
      {
        claims,
        key: `retried-${newExecId(new Date())}`,
        fingerprint: null,
        timing: { leaseMs: 30_000, waitMs: 5_000 },
        waitUntil: Date.now() + 5_000,
        busy: 'busy',
        prepare: async (execId, now) => ({ execution: { ...fresh(now), execId } }),
      },
    );
    expect(once.duplicate).toBe(false);
    expect(await messagesFor(once.written.value.execId)).toBe(1);
  });
});
