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

export type AdminServices = {
  /** Reads and validates every mapping file; throws MappingValidationError naming each problem. */
  loadMappings(): Promise<Mapping[]>;
  /** One line per mapping whose runbook cannot run. */
  runbookProblems(mappings: readonly Mapping[]): Promise<string[]>;
  /** Creates the tables if needed and upserts the mappings; prunes stored ones missing from them when asked. */
  apply(mappings: readonly Mapping[], prune: boolean): Promise<ApplyReport>;
};

export function createAdminServices(config: CloudoConfig, clients?: StorageClients): AdminServices {
  const storage = () => clients ?? connect(config);
  return {
    loadMappings: async () => validateMappingFiles(await readSchemas(config.schemasDir)),
    runbookProblems: (mappings) => findRunbookProblems(mappings, (r) => resolveRunbook(config.runbooksDir, r)),
    apply: async (mappings, prune) => {
      const s = storage();
      await ensureTables(s);
      return applyMappings(createMappingTable(s.mappings), mappings, prune);
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
