// Integration tests of startAzurite itself: disk persistence across restarts, its own process group, clean shutdown.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../../../src/local/azurite';
import type { AzuriteHandle } from '../../../src/local/azurite';
import { accepts } from '../../../src/local/free-port';
import { uniqueName } from '../../support/unique-names';

let dataDir = '';
const started: AzuriteHandle[] = [];

async function start(mode: 'disk' | 'memory' = 'disk'): Promise<AzuriteHandle> {
  const handle = await startAzurite({ mode, dataDir });
  started.push(handle);
  return handle;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

function processGroup(pid: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('ps', ['-o', 'pgid=', '-p', String(pid)], (error, stdout) =>
      error ? reject(error) : resolve(Number(stdout.trim())),
    );
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
    const handle = await start('memory');
    expect(handle.connectionString).toContain('AccountName=devstoreaccount1;');
    expect(handle.connectionString).toContain(`QueueEndpoint=${handle.queueUrl};`);
    expect(handle.connectionString).toContain(`TableEndpoint=${handle.tableUrl};`);
    expect(await accepts(portOf(handle.tableUrl))).toBe(true);
    expect(await accepts(portOf(handle.queueUrl))).toBe(true);
  });

  // Two Azurites writing one database: the last to save would overwrite the other's data.
  it('refuses a second Azurite on a data directory in use, and leaves the first undisturbed', async () => {
    const own = await mkdtemp(join(tmpdir(), 'cloudo-azurite-lock-'));
    try {
      const first = await startAzurite({ mode: 'disk', dataDir: own });
      started.push(first);
      const queueName = uniqueName('held');
      const queues = QueueServiceClient.fromConnectionString(first.connectionString);
      await queues.getQueueClient(queueName).create();
      await expect(startAzurite({ mode: 'disk', dataDir: own })).rejects.toThrow(
        new RegExp(
          `^The data directory ${join(own, 'table')} is in use by another ClouDO runtime \\(pid ${process.pid}\\)`,
        ),
      );
      expect(await queues.getQueueClient(queueName).exists()).toBe(true);
      await first.stop();
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('rejects disk mode without a dataDir', async () => {
    await expect(startAzurite({ mode: 'disk' })).rejects.toThrow(/dataDir/);
  });
});

describe('startAzurite processes', () => {
  // A terminal's Ctrl-C goes to the whole foreground process group; Azurite must not be in ours, or it would stop
  // while `npm start` still drains running executions that need storage for their final writes.
  it('runs each service in its own process group, and stop() still ends them', async () => {
    const handle = await start('memory');
    expect(handle.pids).toHaveLength(2);
    const ours = await processGroup(process.pid);
    for (const pid of handle.pids) {
      const group = await processGroup(pid);
      expect(group).not.toBe(ours);
      expect(group).toBe(pid);
    }
    await handle.stop();
    for (const pid of handle.pids) expect(isRunning(pid), `pid ${pid}`).toBe(false);
    expect(await accepts(portOf(handle.tableUrl))).toBe(false);
  });
});
