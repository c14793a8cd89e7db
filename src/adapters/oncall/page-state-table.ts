// Page state in the executions table: which Opsgenie aliases are open, as last written by the newest execution.
import type { TableClient } from '@azure/data-tables';
import { AppError } from '../../domain/shared/errors';
import { sha256Hex } from '../../domain/shared/hash';
import type { PageStateStore } from '../../services/oncall/ports';
import { isConflict, isPreconditionFailed, allowMissing, callStorage } from '../shared/storage-errors';

const PAGE = 'page';
// Each lost race means another execution wrote in between; a few rounds settle any realistic contention.
const ATTEMPTS = 5;

type PageEntity = { partitionKey: string; rowKey: string; alias: string; open: boolean; execId: string; at: string };

export function createPageStateTable(table: TableClient): PageStateStore {
  return {
    isOpen: async (alias) => (await read(table, alias))?.open === true,
    read: (alias) => read(table, alias),
    markOpen: (alias, execId, now) => callStorage(() => write(table, entityOf(alias, true, execId, now))),
    markClosed: (alias, execId, now) => callStorage(() => write(table, entityOf(alias, false, execId, now))),
  };
}

function read(table: TableClient, alias: string) {
  return callStorage(async () => {
    const row = await allowMissing(table.getEntity<Record<string, unknown>>(PAGE, sha256Hex(alias)));
    return row ? { open: row['open'] === true, execId: String(row['execId'] ?? '') } : null;
  });
}

// Aliases come from mappings and alerts: the hash makes any alias a valid, fixed-length row key.
function entityOf(alias: string, open: boolean, execId: string, now: Date): PageEntity {
  return { partitionKey: PAGE, rowKey: sha256Hex(alias), alias, open, execId, at: now.toISOString() };
}

async function write(table: TableClient, entity: PageEntity): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await allowMissing(table.getEntity<Record<string, unknown>>(PAGE, entity.rowKey));
    const storedExecId = typeof current?.['execId'] === 'string' ? current['execId'] : '';
    // Exec ids sort by request time: a late write from an older execution must not undo a newer one's state.
    if (storedExecId > entity.execId) return;
    try {
      if (current) await table.updateEntity(entity, 'Replace', { etag: current.etag });
      else await table.createEntity(entity);
      return;
    } catch (err) {
      if (!isConflict(err) && !isPreconditionFailed(err)) throw err;
    }
  }
  throw new AppError('busy', 'The page state is being changed by other executions; retry.');
}
