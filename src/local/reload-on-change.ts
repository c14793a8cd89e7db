// Reload on change: mapping files and runbooks edited while `npm start` runs take effect without a restart.
import path from 'node:path';
import type { AdminServices } from '../composition/admin-wiring';
import type { Mapping } from '../domain/mappings/mapping';
import { MappingValidationError } from '../services/mappings/apply-mappings';
import type { Logger } from '../services/shared/ports';
import type { Stoppable } from './trigger-mounts';
import { watchDirectory } from './watch-directory';

export type ReloadDeps = {
  readonly admin: AdminServices;
  readonly schemasDir: string;
  /** The runbooks as authored (runbooks may run from a copy of them). */
  readonly runbooksDir: string;
  /** The pools this runtime consumes: a new pool needs a restart. */
  readonly workerPools: readonly string[];
  /** The embedded Azurite mirrors the files exactly; a configured account is only added to. */
  readonly embedded: boolean;
  /** The mappings loaded at start-up. */
  readonly mappings: readonly Mapping[];
  /** Copies the runbooks again, when runbooks run from a copy. */
  readonly refreshRunbooks: () => void;
  readonly log: Logger;
};

const LOCAL_RUNTIME = { kind: 'system' as const, id: 'local-runtime', name: 'npm start (mapping files)' };

/** Upserts the mappings (pruning the others when embedded) and says what was loaded from where. */
export async function applyMappingFiles(
  deps: Pick<ReloadDeps, 'admin' | 'schemasDir' | 'embedded' | 'log'>,
  mappings: readonly Mapping[],
): Promise<void> {
  const { admin, embedded, log } = deps;
  const report = await admin.apply(mappings, embedded, LOCAL_RUNTIME);
  log.info(`mappings: ${report.upserted} loaded from ${shown(deps.schemasDir)}`);
  for (const m of mappings) {
    log.info(`  ${m.partition}/${m.id}  ${m.name} -> ${m.runbook}${m.enabled ? '' : ' (disabled)'}`);
  }
  for (const problem of await admin.runbookProblems(mappings)) log.warn(`will fail: ${problem}`);
  if (report.stale.length > 0 && !embedded) log.warn(`stored but not in files (kept): ${report.stale.join(', ')}`);
}

/** Watches the schemas and runbooks directories; a file that does not validate keeps the mappings loaded before. */
export function reloadOnChange(deps: ReloadDeps): Stoppable[] {
  let current = deps.mappings;
  const { log } = deps;
  const reloadMappings = async () => {
    let next: Mapping[];
    try {
      next = await deps.admin.loadMappings();
    } catch (err) {
      if (!(err instanceof MappingValidationError)) throw err;
      log.warn(
        `${shown(deps.schemasDir)} changed but is not valid, so the ${current.length} mappings loaded stay: ${err.problems.join('; ')}`,
      );
      return;
    }
    await applyMappingFiles(deps, next);
    current = next;
    const unserved = next.filter((m) => !deps.workerPools.includes(m.worker)).map((m) => `${m.id} (${m.worker})`);
    if (unserved.length > 0) log.warn(`restart to consume the new worker pools of ${unserved.join(', ')}`);
  };
  const reloadRunbooks = async () => {
    deps.refreshRunbooks();
    log.info(`runbooks: reloaded from ${shown(deps.runbooksDir)}`);
    for (const problem of await deps.admin.runbookProblems(current)) log.warn(`will fail: ${problem}`);
  };
  return [watch(deps.schemasDir, reloadMappings, log), watch(deps.runbooksDir, reloadRunbooks, log)];
}

function watch(dir: string, onChange: () => Promise<void>, log: Logger): Stoppable {
  try {
    return watchDirectory(dir, onChange, log);
  } catch (err) {
    log.warn(`not watching ${shown(dir)} for changes: ${(err as Error).message}`);
    return { stop: async () => undefined };
  }
}

const shown = (dir: string): string => path.relative(process.cwd(), dir) || '.';
