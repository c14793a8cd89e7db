// Index layout upgrade: moves the index rows of tables written before ADR 0015 into the records' own partition.
import { odata, type TableClient } from '@azure/data-tables';
import type { Execution } from '../../domain/runs/execution';
import { EXECUTION_STATUSES } from '../../domain/runs/execution-status';
import { sha256Hex } from '../../domain/shared/hash';
import type { IndexUpgrade } from '../../services/runs/ports';
import { allowMissing, callStorage, ignoreNotFound, isStorageOutage } from '../shared/storage-errors';
import { fromEntity, MAIN_PARTITION } from './execution-entity';
import { owesNotification } from './execution-index';
import { addIndexRows } from './execution-writes';

// Above every record and index row key: the listings never read it.
const DONE = { partitionKey: MAIN_PARTITION, rowKey: 'v|index-in-record-partition' };
const OLD_OWED = 'n|owed';
// Live statuses come first in EXECUTION_STATUSES: queued and running runs are moved in the first round.
const OLD_STATUS_PARTITIONS = EXECUTION_STATUSES.map((s) => `s|${s}`);
const PARALLEL = 10;

/** The partitions the old layout kept one row (row key = the record's) per execution in. */
export function legacyIndexPartitions(
  e: Pick<Execution, 'status' | 'mappingId' | 'trigger' | 'alert' | 'notifications'>,
): string[] {
  const rules = new Set([e.alert?.rule, e.alert?.ruleName].filter((r): r is string => !!r));
  return [
    `s|${e.status}`,
    `m|${e.mappingId}`,
    `ms|${e.mappingId}|${e.status}`,
    `t|${e.trigger}`,
    ...[...rules].map((r) => `r|${sha256Hex(r)}`),
    ...(owesNotification(e) ? [OLD_OWED] : []),
  ];
}

/**
 * Every execution has a row in one old status partition: visiting those (then the owed one) finds every record to
 * move. A round moves at most `maxRecords`; the first round that finds none left marks the table done.
 */
export function createIndexUpgrade(table: TableClient): IndexUpgrade {
  let done = false;
  return {
    step: (maxRecords) =>
      callStorage(async () => {
        if (done || (await allowMissing(table.getEntity(DONE.partitionKey, DONE.rowKey)))) {
          done = true;
          return 0;
        }
        let moved = 0;
        let seen = 0;
        for (const partition of [...OLD_STATUS_PARTITIONS, OLD_OWED]) {
          const rowKeys = await firstRowKeys(table, partition, maxRecords - seen);
          for (let i = 0; i < rowKeys.length; i += PARALLEL) {
            const done = await Promise.all(rowKeys.slice(i, i + PARALLEL).map((rk) => moveOne(table, partition, rk)));
            moved += done.filter(Boolean).length;
          }
          seen += rowKeys.length;
          if (seen >= maxRecords) return moved;
        }
        // Only a round that found no old row at all: one whose records all failed to move has not finished.
        if (seen === 0) {
          await table.upsertEntity({ ...DONE, at: new Date().toISOString() }, 'Replace');
          done = true;
        }
        return moved;
      }),
  };
}

// Entity by entity, so that pages storage returns empty (with a continuation) are read past, never taken for the end.
async function firstRowKeys(table: TableClient, partition: string, max: number): Promise<string[]> {
  const rowKeys: string[] = [];
  if (max <= 0) return rowKeys;
  const filter = odata`PartitionKey eq ${partition}`;
  for await (const row of table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
    rowKeys.push(String(row.rowKey));
    if (rowKeys.length >= max) break;
  }
  return rowKeys;
}

/** True when the record's rows moved (or there was no record); false when it could not be, left for a later round. */
async function moveOne(table: TableClient, partition: string, rowKey: string): Promise<boolean> {
  try {
    const found = await allowMissing(table.getEntity(MAIN_PARTITION, rowKey));
    // A record never written (its old insert failed after its index rows): nothing to move.
    if (!found) return (await drop(table, [partition], rowKey), true);
    const e = fromEntity(found);
    // Whichever of its old rows is visited first (a row an old status change left behind included), the record
    // gets its new rows before any old one goes. Conditional on the ETag: a record this version changed since it
    // was read (412) has its rows already.
    await addIndexRows(table, e, found.etag);
    const left = partition.startsWith('s|') ? [partition, `ms|${e.mappingId}|${partition.slice(2)}`] : [partition];
    await drop(table, [...new Set([...legacyIndexPartitions(e), ...left])], rowKey);
    return true;
  } catch (err) {
    if (isStorageOutage(err)) throw err;
    // One record that cannot be moved (unreadable, too large) must not stop the others: its rows stay, and it is
    // tried again next round.
    return false;
  }
}

async function drop(table: TableClient, partitions: readonly string[], rowKey: string): Promise<void> {
  await Promise.all(partitions.map((pk) => table.deleteEntity(pk, rowKey).catch(ignoreNotFound)));
}
