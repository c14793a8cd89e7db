// In-memory MappingStore: mappings by partition and id, found by id alone as the by-id index finds them.
import type { Mapping } from '../../../src/domain/mappings/mapping';
import type { MappingStore } from '../../../src/services/mappings/ports';

export function createFakeMappingStore(initial: readonly Mapping[] = []): MappingStore {
  const rows = new Map<string, Mapping>();
  const keyOf = (m: Pick<Mapping, 'partition' | 'id'>) => `${m.partition}\u0000${m.id}`;
  for (const m of initial) rows.set(keyOf(m), m);
  const all = () => [...rows.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  return {
    get: async (partition, id) => rows.get(keyOf({ partition, id })) ?? null,
    findById: async (id) => all().find((m) => m.id === id) ?? null,
    listCandidates: async (partition) => all().filter((m) => partition === undefined || m.partition === partition),
    listAll: async () => all(),
    upsertAll: async (mappings) => mappings.forEach((m) => rows.set(keyOf(m), m)),
    removeAll: async (mappings) => mappings.forEach((m) => rows.delete(keyOf(m))),
  };
}
