// MappingStore contract: mappings by partition and id, by id alone, listed, replaced and removed.
import { describe, expect, it } from 'vitest';
import type { MappingStore } from '../../src/services/mappings/ports';
import { sampleMapping } from '../support/fixtures';

export function describeMappingStoreContract(name: string, make: () => Promise<MappingStore>): void {
  describe(`MappingStore contract: ${name}`, () => {
    it('stores, finds, lists, replaces and removes mappings', async () => {
      const store = await make();
      const a = sampleMapping({ partition: 'ops', id: 'restart', name: 'Restart' });
      const b = sampleMapping({ partition: 'infra', id: 'clean', runbook: 'clean.sh' });
      await store.upsertAll([a, b]);
      expect(await store.get('ops', 'restart')).toEqual(a);
      expect(await store.get('infra', 'restart')).toBeNull();
      expect(await store.findById('clean')).toEqual(b);
      expect(await store.findById('nope')).toBeNull();
      expect((await store.listAll()).map((m) => m.id).sort()).toEqual(['clean', 'restart']);
      expect((await store.listCandidates('ops')).map((m) => m.id)).toEqual(['restart']);
      expect((await store.listCandidates()).map((m) => m.id).sort()).toEqual(['clean', 'restart']);
      const renamed = { ...a, name: 'Restart the API', enabled: false };
      await store.upsertAll([renamed]);
      expect(await store.findById('restart')).toEqual(renamed);
      await store.removeAll([b]);
      expect(await store.findById('clean')).toBeNull();
      expect((await store.listAll()).map((m) => m.id)).toEqual(['restart']);
    });
  });
}
