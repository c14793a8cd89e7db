// Page state on real Table storage: open and closed round trip, and newer executions win over older ones.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPageStateTable } from '../../../src/adapters/oncall/page-state-table';
import { newExecId } from '../../../src/domain/runs/exec-id';
import type { PageStateStore } from '../../../src/services/oncall/ports';
import { uniqueName } from '../../support/unique-names';

const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('pagestate'), {
  allowInsecureConnection: true,
});
const pages: PageStateStore = createPageStateTable(table);
const t0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(t0 + seconds * 1000);
const execAt = (seconds: number): string => newExecId(at(seconds));
let aliasSeq = 0;
const freshAlias = (): string => `cloudo/p/m#${++aliasSeq}?${Date.now()}`;

beforeAll(async () => table.createTable());
afterAll(async () => table.deleteTable());

describe('page state table', () => {
  it('treats an alias it never saw as closed', async () => {
    expect(await pages.isOpen(freshAlias())).toBe(false);
  });

  it('round-trips open and closed', async () => {
    const alias = freshAlias();
    await pages.markOpen(alias, execAt(0), at(0));
    expect(await pages.isOpen(alias)).toBe(true);
    await pages.markClosed(alias, execAt(1), at(1));
    expect(await pages.isOpen(alias)).toBe(false);
    await pages.markOpen(alias, execAt(2), at(2));
    expect(await createPageStateTable(table).isOpen(alias)).toBe(true);
  });

  it('lets the same execution open and then close its page', async () => {
    const alias = freshAlias();
    const execId = execAt(0);
    await pages.markOpen(alias, execId, at(0));
    await pages.markClosed(alias, execId, at(1));
    expect(await pages.isOpen(alias)).toBe(false);
  });

  it('does not let an older execution overwrite a newer one', async () => {
    const alias = freshAlias();
    await pages.markClosed(alias, execAt(10), at(10));
    await pages.markOpen(alias, execAt(5), at(11));
    expect(await pages.isOpen(alias)).toBe(false);

    const other = freshAlias();
    await pages.markOpen(other, execAt(10), at(10));
    await pages.markClosed(other, execAt(5), at(11));
    expect(await pages.isOpen(other)).toBe(true);
  });

  it('settles concurrent writers on the newest execution', async () => {
    const alias = freshAlias();
    // Five writers: each loses at most once to each of the others, within the store's five attempts.
    const writes = Array.from({ length: 5 }, (_, i) =>
      i === 4 ? pages.markOpen(alias, execAt(i), at(i)) : pages.markClosed(alias, execAt(i), at(i)),
    );
    await Promise.all(writes);
    expect(await pages.isOpen(alias)).toBe(true);
  });
});
