// A fresh table on the shared Azurite whose requests and entities are counted: for tests that hold a cost flat.
import { TableClient } from '@azure/data-tables';
import { inject } from 'vitest';
import { createRequestCounter, type RequestCounter } from '../../src/adapters/shared/request-counter';
import { uniqueName } from './unique-names';

/** Creates the table and adds it to `cleanup`, which the test file deletes after all its tests. */
export async function countedTable(
  prefix: string,
  cleanup: TableClient[],
): Promise<{ table: TableClient; counter: RequestCounter }> {
  const counter = createRequestCounter();
  const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName(prefix), {
    allowInsecureConnection: true,
    additionalPolicies: [{ policy: counter.policy, position: 'perCall' }],
  });
  cleanup.push(table);
  await table.createTable();
  return { table, counter };
}
