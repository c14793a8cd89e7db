// Execution rows written straight to a table, in today's layout or the one before ADR 0015, for seeding history.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { toEntity } from '../src/adapters/runs/execution-entity';
import { indexEntities } from '../src/adapters/runs/execution-index';
import { legacyIndexPartitions } from '../src/adapters/runs/index-upgrade';
import { isConflict } from '../src/adapters/shared/storage-errors';
import type { Execution } from '../src/domain/runs/execution';

export type Layout = 'current' | 'legacy';

/** Writes the records with their index rows, new to the table, in batches of 100 per partition. */
export async function seedExecutions(
  table: TableClient,
  executions: readonly Execution[],
  layout: Layout,
): Promise<void> {
  const byPartition = new Map<string, TransactionAction[]>();
  const add = (row: { partitionKey: string; rowKey: string }) => {
    const actions = byPartition.get(row.partitionKey) ?? [];
    // Inserts: Azurite checks an upsert against its partition twice and an insert once, which makes seeding 30,000
    // runs about 3 times quicker.
    actions.push(['create', row]);
    byPartition.set(row.partitionKey, actions);
  };
  for (const e of executions) {
    const record = toEntity(e);
    add(record);
    if (layout === 'current') indexEntities(e, record).forEach(add);
    else for (const pk of legacyIndexPartitions(e)) add({ partitionKey: pk, rowKey: record.rowKey });
  }
  for (const actions of byPartition.values())
    for (let i = 0; i < actions.length; i += 100)
      await withRetry(() => table.submitTransaction(actions.slice(i, i + 100)));
}

// Seeding sends thousands of batches; a dropped keep-alive connection is worth another try, not a failed run. Every
// row is new (ids are minted from distinct times), so a conflict means this batch was written on an earlier try, ours
// or the SDK's own retry after a lost answer: a batch is all or nothing.
async function withRetry(fn: () => Promise<unknown>, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await fn();
      return;
    } catch (err) {
      if (isConflict(err)) return;
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}
