// Execution census: counts from the executions table's records and status index, reading only row keys and status.
import type { TableClient } from '@azure/data-tables';
import { EXECUTION_STATUSES, type ExecutionStatus } from '../../domain/runs/execution-status';
import type { RunCensus } from '../../services/overview/ports';
import { callStorage } from '../shared/storage-errors';
import { MAIN_PARTITION } from './execution-entity';
import { indexPrefix, statusIndex } from './execution-index';
import { timeKeyedFilter } from '../shared/time-keyed-range';

// Large pages: the rows are two short columns each.
const PAGE = 1000;

export function createRunCensus(table: TableClient): RunCensus {
  return {
    statusesSince: (since, cap) =>
      callStorage(async () => {
        // The records are keyed by inverted request time: the window is one row-key range of one partition, and
        // it ends below the index rows, which share the partition.
        const filter = timeKeyedFilter(MAIN_PARTITION, '', { since });
        const byStatus: Partial<Record<ExecutionStatus, number>> = {};
        let read = 0;
        for await (const { status } of rows(table, filter, ['RowKey', 'status'], cap + 1)) {
          if (++read > cap) return { byStatus, capped: true };
          if (isStatus(status)) byStatus[status] = (byStatus[status] ?? 0) + 1;
        }
        return { byStatus, capped: false };
      }),
    countWithStatus: (status, cap) =>
      callStorage(async () => {
        // Index rows are written with their record, in one transaction: each row is one execution in that status.
        const prefix = indexPrefix(statusIndex(status));
        const filter = timeKeyedFilter(MAIN_PARTITION, prefix, {});
        let count = 0;
        const pages = table.listEntities({ queryOptions: { filter, select: ['RowKey'] } });
        for await (const page of pages.byPage({ maxPageSize: Math.min(PAGE, cap + 1) })) {
          count += page.length;
          if (count > cap) return { count: cap, capped: true };
        }
        return { count, capped: false };
      }),
  };
}

async function* rows(table: TableClient, filter: string, select: string[], max: number) {
  let seen = 0;
  const pages = table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select } });
  for await (const page of pages.byPage({ maxPageSize: Math.min(PAGE, max) })) {
    for (const row of page) {
      if (seen++ >= max) return;
      yield row;
    }
    if (seen >= max) return;
  }
}

const isStatus = (v: unknown): v is ExecutionStatus =>
  typeof v === 'string' && (EXECUTION_STATUSES as readonly string[]).includes(v);
