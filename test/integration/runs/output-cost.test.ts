// Following output costs reads proportional to what is new: the same requests and rows after 10 pieces or 400.
import type { TableClient } from '@azure/data-tables';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutputLog } from '../../../src/adapters/runs/output-log';
import { countedTable } from '../../support/counted-table';

const EXEC = '20261204T010203004Z-0a0b0c0d';
const PIECE = 1024;
const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

async function costOfNewest(pieces: number) {
  const { table, counter } = await countedTable('oc', tables);
  const log = createOutputLog(table);
  for (let i = 0; i < pieces; i += 10) {
    const batch = Array.from({ length: Math.min(10, pieces - i) }, (_, j) => ({
      start: (i + j) * PIECE,
      bytes: Buffer.alloc(PIECE, 'o'),
    }));
    await log.write(EXEC, batch);
  }
  counter.reset();
  // A follower that has everything but the last piece asks for what is new.
  const { chunks } = await log.readAfter(EXEC, (pieces - 1) * PIECE, 256 * 1024);
  return { chunks: chunks.length, requests: counter.requests, entities: counter.entities };
}

describe('following output', () => {
  it('reads only the new piece, however long the output already is', async () => {
    const short = await costOfNewest(10);
    const long = await costOfNewest(400);
    expect(short).toEqual({ chunks: 1, requests: 1, entities: 1 });
    expect(long).toEqual(short);
  });
});
