// Execution rows written straight to a table, in today's layout or the one before ADR 0015, for seeding history.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { toEntity } from '../src/adapters/runs/execution-entity';
import { indexEntities } from '../src/adapters/runs/execution-index';
import { legacyIndexPartitions } from '../src/adapters/runs/index-upgrade';
import type { Execution } from '../src/domain/runs/execution';

export type Layout = 'current' | 'legacy';

/** Writes the records with their index rows in batches of 100 per partition, as the adapter would have. */
export async function seedExecutions(
  table: TableClient,
  executions: readonly Execution[],
  layout: Layout,
): Promise<void> {
  const byPartition = new Map<string, TransactionAction[]>();
  const add = (row: { partitionKey: string; rowKey: string }) => {
    const actions = byPartition.get(row.partitionKey) ?? [];
    actions.push(['upsert', row]);
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

// Seeding sends thousands of batches; a dropped keep-alive connection is worth another try, not a failed run. Upserts
// only, so a batch sent twice writes the same rows.
async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}
