// Output log: a run's live output as Table rows keyed by the execution and the byte offset where each piece ends.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { execRowKey } from '../../domain/runs/exec-id';
import { MAX_PIECE_BYTES, type OutputChunk, type OutputLog } from '../../services/runs/ports';
import { callStorage, ignoreNotFound } from '../shared/storage-errors';

/**
 * Rows of every run's output, in the executions table. Row keys start with the execution's inverted time, so the
 * retention sweep removes old output as one key range, and one run's pieces are one contiguous range.
 */
export const OUTPUT_PARTITION = 'out';

// A binary property holds 64 KiB, so a piece spans up to 4; a transaction holds at most 100 rows and 4 MiB, base64
// included.
const PROPERTY_BYTES = 48 * 1024;
const ROWS_PER_TRANSACTION = 12;
const OFFSET_DIGITS = 15;

const rowKey = (execId: string, end: number) => `${execRowKey(execId)}-${String(end).padStart(OFFSET_DIGITS, '0')}`;

export function createOutputLog(table: TableClient): OutputLog {
  return {
    write: (execId, chunks) =>
      callStorage(async () => {
        if (chunks.some((c) => c.bytes.length > MAX_PIECE_BYTES)) throw new RangeError('output piece over one row');
        const actions: TransactionAction[] = chunks.map((c) => ['upsert', toRow(execId, c), 'Replace']);
        for (let i = 0; i < actions.length; i += ROWS_PER_TRANSACTION)
          await table.submitTransaction(actions.slice(i, i + ROWS_PER_TRANSACTION));
      }),
    remove: (execId, ends) =>
      callStorage(async () => {
        for (const end of ends) await table.deleteEntity(OUTPUT_PARTITION, rowKey(execId, end)).catch(ignoreNotFound);
      }),
    readAfter: (execId, offset, maxBytes) => callStorage(() => readAfter(table, execId, offset, maxBytes)),
  };
}

function toRow(execId: string, c: OutputChunk): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const row: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: OUTPUT_PARTITION,
    rowKey: rowKey(execId, c.start + c.bytes.length),
    // A string: offsets may pass 2^31, where a Table integer stops.
    start: String(c.start),
    parts: Math.ceil(c.bytes.length / PROPERTY_BYTES),
  };
  for (let i = 0; i * PROPERTY_BYTES < c.bytes.length; i++)
    row[`b${i}`] = new Uint8Array(c.bytes.subarray(i * PROPERTY_BYTES, (i + 1) * PROPERTY_BYTES));
  return row;
}

async function readAfter(table: TableClient, execId: string, offset: number, maxBytes: number) {
  const from = rowKey(execId, Math.max(0, offset));
  const filter = odata`PartitionKey eq ${OUTPUT_PARTITION} and RowKey gt ${from} and RowKey lt ${`${execRowKey(execId)}.`}`;
  const chunks: OutputChunk[] = [];
  let bytes = 0;
  const pages = table.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: 8 });
  for await (const page of pages) {
    for (const row of page) {
      if (bytes >= maxBytes) return { chunks, more: true };
      const chunk = fromRow(row);
      chunks.push(chunk);
      bytes += chunk.bytes.length;
    }
    if (bytes >= maxBytes) return { chunks, more: page.continuationToken !== undefined };
  }
  return { chunks, more: false };
}

function fromRow(row: Record<string, unknown>): OutputChunk {
  const parts = Number(row['parts'] ?? 0);
  const bytes = Buffer.concat(
    Array.from({ length: parts }, (_, i) => {
      const part = row[`b${i}`];
      return part instanceof Uint8Array ? Buffer.from(part) : Buffer.alloc(0);
    }),
  );
  return { start: Number(row['start']), bytes };
}
