// Runbook check: every mapping's runbook exists inside the runbooks directory and has a supported type.
import type { Mapping } from '../../domain/mappings/mapping';
import type { RunbookLocator } from '../worker/ports';

/** One line per mapping whose runbook cannot be run, e.g. `ops/disk-usage: runbook "x.sh" not found`. */
export async function findRunbookProblems(mappings: readonly Mapping[], locate: RunbookLocator): Promise<string[]> {
  const results = await Promise.all(
    mappings.map(async (m) => {
      const found = await locate(m.runbook);
      return found.ok ? null : `${m.partition}/${m.id}: ${found.message}`;
    }),
  );
  return results.filter((r): r is string => r !== null);
}
