// Administration wiring: mapping files, runbook checks and `schemas apply`, shared by the CLI and the local runtime.
import { createMappingTable } from '../adapters/mappings/mapping-table';
import { resolveRunbook } from '../adapters/worker/runbook-resolver';
import { readMappingFiles } from '../adapters/mappings/schema-files';
import type { MappingFile } from '../services/mappings/ports';
import { ensureTables, openStorageClients, type StorageClients } from '../adapters/shared/storage-clients';
import type { CloudoConfig } from '../config/load-config';
import { AppError } from '../domain/shared/errors';
import type { Mapping } from '../domain/mappings/mapping';
import {
  applyMappings,
  MappingValidationError,
  validateMappingFiles,
  type ApplyReport,
} from '../services/mappings/apply-mappings';
import { findRunbookProblems } from '../services/mappings/check-runbooks';
import { createAuditTable } from '../adapters/audit/audit-table';
import { systemClock } from '../adapters/shared/clock';
import type { AuditActor } from '../domain/audit/audit-record';
import { writeAudit, type AuditEntry } from '../services/audit/audit-trail';
import type { MappingChanges } from '../services/mappings/apply-mappings';

// An audit record is one table row: a huge file set is named by its first keys and its counts.
const MAX_KEYS = 200;
const bounded = (c: MappingChanges) => ({
  added: c.added.slice(0, MAX_KEYS),
  changed: c.changed.slice(0, MAX_KEYS),
  removed: c.removed.slice(0, MAX_KEYS),
  counts: { added: c.added.length, changed: c.changed.length, removed: c.removed.length },
});

export type AdminServices = {
  /** Reads and validates every mapping file; throws MappingValidationError naming each problem. */
  loadMappings(): Promise<Mapping[]>;
  /** One line per mapping whose runbook cannot run. */
  runbookProblems(mappings: readonly Mapping[]): Promise<string[]>;
  /**
   * Creates the tables if needed and upserts the mappings; prunes stored ones missing from them when asked. What
   * changes is audited first, as done by `actor`; nothing changes when that record cannot be written.
   */
  apply(mappings: readonly Mapping[], prune: boolean, actor: AuditActor): Promise<ApplyReport>;
  /** Writes an audit record of an administrative action (a queue replay), before it is done. */
  audit(entry: AuditEntry): Promise<void>;
};

export function createAdminServices(config: CloudoConfig, clients?: StorageClients): AdminServices {
  const storage = () => clients ?? connect(config);
  return {
    loadMappings: async () => validateMappingFiles(await readSchemas(config.schemasDir)),
    runbookProblems: (mappings) => findRunbookProblems(mappings, (r) => resolveRunbook(config.runbooksDir, r)),
    apply: async (mappings, prune, actor) => {
      const s = storage();
      await ensureTables(s);
      const audit = { audit: createAuditTable(s.executions), clock: systemClock };
      return applyMappings(createMappingTable(s.mappings), mappings, prune, async (changes) => {
        // Loading the same files again changes nothing, and is not worth a record.
        if (changes.added.length + changes.changed.length + changes.removed.length === 0) return;
        await writeAudit(audit, { actor, action: 'mappings.applied', outcome: 'applied', detail: bounded(changes) });
      });
    },
    audit: async (entry) => {
      const s = storage();
      await ensureTables(s);
      await writeAudit({ audit: createAuditTable(s.executions), clock: systemClock }, entry);
    },
  };
}

export function connect(config: CloudoConfig): StorageClients {
  if (!config.storage) {
    throw new AppError(
      'internal',
      'No storage configured: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__accountName.',
    );
  }
  return openStorageClients(config.storage, config);
}

/** A schemas directory that is missing or unreadable is a setting to fix: one line naming it, not a stack trace. */
async function readSchemas(dir: string): Promise<MappingFile[]> {
  try {
    return await readMappingFiles(dir);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : null;
    if (code === null) throw err;
    throw new MappingValidationError([`CLOUDO_SCHEMAS_DIR: cannot read the mapping files in ${dir} (${code})`]);
  }
}
