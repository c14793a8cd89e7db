// Apply mappings: validate every file under schemas/, then upsert them, pruning stored ones only when asked.
import { findDuplicateIds, parseMappingDocument, type LocatedMapping } from '../../domain/mappings/mapping-document';
import type { Mapping } from '../../domain/mappings/mapping';
import type { MappingFile, MappingStore } from './ports';

export class MappingValidationError extends Error {
  override readonly name = 'MappingValidationError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid mappings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** All mappings of a set of files, or every problem found in them at once. */
export function validateMappingFiles(files: readonly MappingFile[]): Mapping[] {
  const problems: string[] = [];
  const located: LocatedMapping[] = [];
  for (const file of files) {
    const result = parseMappingDocument(file.name, file.text);
    if (result.ok) located.push(...result.mappings.map((mapping) => ({ file: file.name, mapping })));
    else problems.push(...result.errors);
  }
  problems.push(...findDuplicateIds(located));
  if (problems.length > 0) throw new MappingValidationError(problems);
  return located.map((l) => l.mapping);
}

export type ApplyReport = { readonly upserted: number; readonly pruned: number; readonly stale: readonly string[] };

/** What applying the files changes, by "partition/id": for the audit record, written before anything changes. */
export type MappingChanges = {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
};

export async function applyMappings(
  store: MappingStore,
  mappings: readonly Mapping[],
  prune: boolean,
  beforeWrite: (changes: MappingChanges) => Promise<void> = async () => undefined,
): Promise<ApplyReport> {
  const wanted = new Set(mappings.map((m) => `${m.partition}\u0000${m.id}`));
  const stored = await store.listAll();
  // A stored mapping whose id moved to another partition is stale too: its old row would still answer.
  const stale = stored.filter((m) => !wanted.has(`${m.partition}\u0000${m.id}`));
  await beforeWrite(diffMappings(stored, mappings, prune ? stale : []));
  // Prune before upserting: removing a moved id's old row also drops its by-id copy, which the upsert then rewrites.
  if (prune && stale.length > 0) await store.removeAll(stale);
  await store.upsertAll(mappings);
  return {
    upserted: mappings.length,
    pruned: prune ? stale.length : 0,
    stale: stale.map((m) => `${m.partition}/${m.id}`),
  };
}

const keyOf = (m: Mapping) => `${m.partition}/${m.id}`;

function diffMappings(
  stored: readonly Mapping[],
  wanted: readonly Mapping[],
  removed: readonly Mapping[],
): MappingChanges {
  const before = new Map(stored.map((m) => [keyOf(m), JSON.stringify(m)]));
  return {
    added: wanted.filter((m) => !before.has(keyOf(m))).map(keyOf),
    changed: wanted.filter((m) => before.has(keyOf(m)) && before.get(keyOf(m)) !== JSON.stringify(m)).map(keyOf),
    removed: removed.map(keyOf),
  };
}
