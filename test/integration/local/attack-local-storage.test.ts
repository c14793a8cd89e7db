// Attack: a runbook of `npm start` (as root, runbooks as nobody) reaches the embedded Azurite behind ClouDO's back,
// through the emulator's published key or the database files, and so reads every run and approves pending ones.
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../../src/local/azurite';
import { uniqueName } from '../../support/unique-names';

// Microsoft's published emulator key: anyone can sign requests with it.
const PUBLIC_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const INSECURE = { allowInsecureConnection: true };
let dataDir = '';
let azurite: AzuriteHandle | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cloudo-attack-storage-'));
  azurite = await startAzurite({ mode: 'disk', dataDir });
});

afterAll(async () => {
  await azurite?.stop();
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
});

/** The same endpoints, signed with the public emulator key instead of the runtime's. */
function withPublicKey(connectionString: string): string {
  return connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${PUBLIC_KEY}`);
}

describe('the embedded Azurite', () => {
  it("answers only requests signed with this runtime's own key, not the emulator's public one", async () => {
    const own = azurite!.connectionString;
    const tableName = uniqueName('own');
    const table = TableClient.fromConnectionString(own, tableName, INSECURE);
    await table.createTable();
    await table.createEntity({ partitionKey: 'x', rowKey: 'r', status: 'pending_approval' });
    await QueueServiceClient.fromConnectionString(own).getQueueClient(uniqueName('own')).create();

    const forged = withPublicKey(own);
    expect(forged).not.toBe(own);
    const tables = TableServiceClient.fromConnectionString(forged, INSECURE);
    await expect(tables.listTables().next()).rejects.toMatchObject({ statusCode: 403 });
    const forgedTable = TableClient.fromConnectionString(forged, tableName, INSECURE);
    await expect(
      forgedTable.updateEntity({ partitionKey: 'x', rowKey: 'r', status: 'queued' }, 'Merge'),
    ).rejects.toMatchObject({ statusCode: 403 });
    const queues = QueueServiceClient.fromConnectionString(forged);
    await expect(queues.listQueues().next()).rejects.toMatchObject({ statusCode: 403 });
    expect((await table.getEntity('x', 'r'))['status']).toBe('pending_approval');
  });

  it('keeps its database files in directories only their owner can enter', async () => {
    for (const service of ['table', 'queue']) {
      const mode = (await stat(join(dataDir, service))).mode & 0o777;
      expect(mode.toString(8), `${service} directory`).toBe('700');
    }
  });
});
