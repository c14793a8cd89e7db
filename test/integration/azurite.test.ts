// Integration tests of startAzurite itself: disk persistence across restarts and clean shutdown.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../../src/local/azurite';
import type { AzuriteHandle } from '../../src/local/azurite';
import { uniqueName } from '../support/unique-names';

let dataDir = '';
const started: AzuriteHandle[] = [];

async function start(): Promise<AzuriteHandle> {
  const handle = await startAzurite({ mode: 'disk', dataDir });
  started.push(handle);
  return handle;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cloudo-azurite-'));
});

afterAll(async () => {
  await Promise.all(started.map((handle) => handle.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

describe('startAzurite (disk mode)', () => {
  it('keeps queues and table rows across a stop and a restart with the same dataDir', async () => {
    const queueName = uniqueName('persist');
    const tableName = uniqueName('persist');
    const first = await start();
    await QueueServiceClient.fromConnectionString(first.connectionString).getQueueClient(queueName).create();
    const table = TableClient.fromConnectionString(first.connectionString, tableName, {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', note: 'survives' });
    await first.stop();
    expect(await accepts(portOf(first.queueUrl))).toBe(false);

    const second = await start();
    const queues = QueueServiceClient.fromConnectionString(second.connectionString);
    expect(await queues.getQueueClient(queueName).exists()).toBe(true);
    const reopened = TableClient.fromConnectionString(second.connectionString, tableName, {
      allowInsecureConnection: true,
    });
    expect((await reopened.getEntity('p', 'r')).note).toBe('survives');
  });

  it('builds the dev-account connection string for the ports it listens on', async () => {
    const handle = await start();
    expect(handle.connectionString).toContain('AccountName=devstoreaccount1;');
    expect(handle.connectionString).toContain(`QueueEndpoint=${handle.queueUrl};`);
    expect(handle.connectionString).toContain(`TableEndpoint=${handle.tableUrl};`);
    expect(await accepts(portOf(handle.tableUrl))).toBe(true);
    expect(await accepts(portOf(handle.queueUrl))).toBe(true);
  });

  it('rejects disk mode without a dataDir', async () => {
    await expect(startAzurite({ mode: 'disk' })).rejects.toThrow(/dataDir/);
  });
});
