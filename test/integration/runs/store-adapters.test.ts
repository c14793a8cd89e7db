// The Table adapters keep the contracts the in-memory fakes are held to, on the shared Azurite.
import { TableClient } from '@azure/data-tables';
import { afterAll, inject } from 'vitest';
import { createClaimRows } from '../../../src/adapters/runs/claim-rows';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createMappingTable } from '../../../src/adapters/mappings/mapping-table';
import { createRunQueue } from '../../../src/adapters/runs/run-queue';
import { QueueServiceClient } from '@azure/storage-queue';
import { describeClaimStoreContract } from '../../contract/claim-store.contract';
import { describeExecutionStoreContract } from '../../contract/execution-store.contract';
import { describeMappingStoreContract } from '../../contract/mapping-store.contract';
import { describeRunQueueContract } from '../../contract/run-queue.contract';
import { describeOutputLogContract } from '../../contract/output-log.contract';
import { describeAuditLogContract } from '../../contract/audit-log.contract';
import { createAuditTable } from '../../../src/adapters/audit/audit-table';
import { createOutputLog } from '../../../src/adapters/runs/output-log';
import { uniqueName, uniqueQueueName } from '../../support/unique-names';

const tables: TableClient[] = [];
const queues = QueueServiceClient.fromConnectionString(inject('storageConnection'));
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(tables.map((t) => t.deleteTable()));
  for await (const q of queues.listQueues()) {
    if (prefixes.some((p) => q.name.startsWith(p))) await queues.deleteQueue(q.name);
  }
});

async function freshTable(prefix: string): Promise<TableClient> {
  const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName(prefix), {
    allowInsecureConnection: true,
  });
  await table.createTable();
  tables.push(table);
  return table;
}

describeExecutionStoreContract('Table adapter', async () => createExecutionTable(await freshTable('cx')));
describeClaimStoreContract('Table adapter', async () =>
  createClaimRows(await freshTable('cc'), { partition: 'claims' }),
);
describeMappingStoreContract('Table adapter', async () => createMappingTable(await freshTable('cm')));
describeRunQueueContract('Storage Queue adapter', async () => {
  const prefix = `${uniqueQueueName('rq')}-`;
  prefixes.push(prefix);
  return { queue: createRunQueue(queues, prefix), prefix };
});
describeOutputLogContract('Table adapter', async () => createOutputLog(await freshTable('co')));
describeAuditLogContract('Table adapter', async () => createAuditTable(await freshTable('au')));
