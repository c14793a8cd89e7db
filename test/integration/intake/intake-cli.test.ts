// Integration tests of `cloudo intake status | replay` against the shared Azurite, with the output collected.
import { createAuditTable } from '../../../src/adapters/audit/audit-table';
import { createAdminServices } from '../../../src/composition/admin-wiring';
import type { QueueClient } from '@azure/storage-queue';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createIntakeQueues } from '../../../src/adapters/intake/intake-queue';
import { createStorageClients, type StorageClients } from '../../../src/adapters/shared/storage-clients';
import { runIntake, type IntakeDeps } from '../../../src/cli/intake-commands';
import { UsageError } from '../../../src/cli/cli-args';
import type { CloudoConfig } from '../../../src/config/load-config';
import { isolatedConfig } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

const connection = inject('storageConnection');
const cleanups: (() => Promise<unknown>)[] = [];

type Setup = {
  readonly clients: StorageClients;
  readonly intake: QueueClient;
  readonly poison: QueueClient;
  readonly lines: string[];
  readonly run: (verb: string, ...args: string[]) => Promise<number>;
};

/** Each test gets its own intake queue name and executions table; nothing is created until the test asks. */
function setup(): Setup {
  const config: CloudoConfig = isolatedConfig(connection, { CLOUDO_INTAKE_QUEUE: uniqueName('intake') });
  const clients = createStorageClients(connection, config);
  const intake = clients.queues.getQueueClient(config.intakeQueue);
  const poison = clients.queues.getQueueClient(`${config.intakeQueue}-poison`);
  cleanups.push(
    () => intake.deleteIfExists(),
    () => poison.deleteIfExists(),
    () => clients.executions.deleteTable(),
  );
  const lines: string[] = [];
  const deps: IntakeDeps = {
    queues: createIntakeQueues(clients.queues),
    rejected: createExecutionTable(clients.executions),
    intakeQueue: config.intakeQueue,
    print: (line) => lines.push(line),
    audit: (entry) => createAdminServices(config, clients).audit(entry),
    actor: { kind: 'person', id: 'cli:tester', name: 'tester' },
  };
  return { clients, intake, poison, lines, run: (verb, ...args) => runIntake(verb, args, deps) };
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

async function fill(queue: QueueClient, texts: readonly string[]): Promise<void> {
  await queue.createIfNotExists();
  for (const text of texts) await queue.sendMessage(text);
}

async function drain(queue: QueueClient): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 });
    if (receivedMessageItems.length === 0) return out;
    out.push(...receivedMessageItems.map((m) => m.messageText));
  }
}

const count = async (queue: QueueClient): Promise<number> =>
  (await queue.getProperties()).approximateMessagesCount ?? 0;

afterAll(async () => {
  await Promise.allSettled(cleanups.map((c) => c()));
});

describe('cloudo intake status', () => {
  it('reports missing queues as not created yet and no rejected messages when nothing exists', async () => {
    const s = setup();
    expect(await s.run('status')).toBe(0);
    expect(s.lines).toEqual([
      `intake queue ${s.intake.name}: 0 messages (not created yet)`,
      `poison queue ${s.poison.name}: 0 messages (not created yet)`,
      'rejected messages: none recorded',
    ]);
  });

  it('counts empty and non-empty queues', async () => {
    const s = setup();
    await s.intake.create();
    await fill(s.poison, ['a', 'b', 'c']);
    await s.clients.executions.createTable();
    expect(await s.run('status')).toBe(0);
    expect(s.lines.slice(0, 2)).toEqual([
      `intake queue ${s.intake.name}: ~0 messages`,
      `poison queue ${s.poison.name}: ~3 messages`,
    ]);
  });

  it('lists the newest rejected messages, one line each, previews cut to 120 characters', async () => {
    const s = setup();
    await s.clients.executions.createTable();
    const store = createExecutionTable(s.clients.executions);
    const long = `{"data":\n"${'x'.repeat(300)}"}`;
    for (const [i, preview] of ['{"old":1}', 'not json', long].entries()) {
      const receivedAt = new Date(Date.UTC(2024, 0, 1, 12, i)).toISOString();
      await store.recordRejectedMessage({
        queue: s.intake.name,
        messageId: `m${i}`,
        reason: 'invalid',
        preview,
        receivedAt,
      });
    }
    expect(await s.run('status', '--limit', '2')).toBe(0);
    const rejected = s.lines.slice(2);
    expect(rejected[0]).toBe('rejected messages (newest 2):');
    expect(rejected).toHaveLength(3);
    expect(rejected[1]).toContain(`2024-01-01T12:02:00.000Z  ${s.intake.name}  m2  invalid  {"data": "xxx`);
    expect(rejected[1]!.split('invalid  ')[1]).toHaveLength(120);
    expect(rejected[1]!.endsWith('…')).toBe(true);
    expect(rejected[2]).toBe(`  2024-01-01T12:01:00.000Z  ${s.intake.name}  m1  invalid  not json`);
  });

  it('rejects an unknown flag or a bad limit as a usage error', async () => {
    const s = setup();
    await expect(s.run('status', '--bogus')).rejects.toThrow(UsageError);
    await expect(s.run('status', '--limit', '0')).rejects.toThrow(UsageError);
  });
});

describe('cloudo intake replay', () => {
  const texts = [b64('{"alert":"one"}'), b64('{"alert":"two ✓"}'), 'plain text, not base64', b64('x'), '{"raw":3}'];

  it('moves every poison message back to the intake queue with identical text', async () => {
    const s = setup();
    await fill(s.poison, texts);
    expect(await s.run('replay')).toBe(0);
    expect(s.lines).toEqual([`replayed 5 messages from ${s.poison.name} to ${s.intake.name}`]);
    expect((await drain(s.intake)).sort()).toEqual([...texts].sort());
    expect(await count(s.poison)).toBe(0);
    // Audited before anything moved, as the account the CLI runs as.
    const audit = await createAuditTable(s.clients.executions).list({ limit: 5, action: 'queue.replayed' });
    expect(audit.items).toMatchObject([
      { actor: { id: 'cli:tester' }, detail: { from: s.poison.name, to: s.intake.name } },
    ]);
  });

  it('moves at most --max messages, also beyond one receive batch', async () => {
    const s = setup();
    await fill(s.poison, texts);
    expect(await s.run('replay', '--max', '2')).toBe(0);
    expect(await count(s.intake)).toBe(2);
    expect(await count(s.poison)).toBe(3);

    const many = setup();
    await fill(
      many.poison,
      Array.from({ length: 40 }, (_, i) => b64(`{"n":${i}}`)),
    );
    expect(await many.run('replay', '--max', '35')).toBe(0);
    expect(many.lines).toEqual([`replayed 35 messages from ${many.poison.name} to ${many.intake.name}`]);
    expect(await count(many.intake)).toBe(35);
    expect(await count(many.poison)).toBe(5);
  });

  it('--dry-run shows the messages and moves nothing', async () => {
    const s = setup();
    await fill(s.poison, texts);
    expect(await s.run('replay', '--dry-run', '--max', '3')).toBe(0);
    expect(s.lines).toHaveLength(4);
    expect(s.lines[3]).toBe(
      `dry run: would replay 3 messages from ${s.poison.name} to ${s.intake.name}; nothing moved`,
    );
    expect(s.lines[0]).toMatch(/dequeued 0x {2}eyJhbGVydCI6Im9uZSJ9$/);
    expect(await count(s.poison)).toBe(5);
    expect(await s.intake.exists()).toBe(false);
  });

  it('replays nothing, successfully, when the poison queue does not exist', async () => {
    const s = setup();
    expect(await s.run('replay')).toBe(0);
    expect(s.lines).toEqual([`replayed 0 messages from ${s.poison.name} to ${s.intake.name}`]);
    expect(await s.intake.exists()).toBe(false);
  });
});
