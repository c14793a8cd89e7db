// schemas apply on real Table storage: upsert, report stale rows, prune only when asked, move ids between partitions.
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createMappingTable } from '../../../src/adapters/mappings/mapping-table';
import { alertMatchSchema } from '../../../src/domain/alerts/alert-match';
import type { Mapping } from '../../../src/domain/mappings/mapping';
import { applyMappings } from '../../../src/services/mappings/apply-mappings';
import type { MappingStore } from '../../../src/services/mappings/ports';
import { sampleMapping } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('maps'), {
  allowInsecureConnection: true,
});
let store: MappingStore;

const m = (partition: string, id: string, extra: Partial<Mapping> = {}): Mapping =>
  sampleMapping({ partition, id, name: id, ...extra });

beforeAll(async () => {
  await table.createTable();
  store = createMappingTable(table);
});
afterAll(async () => table.deleteTable());

describe('applyMappings', () => {
  it('upserts, finds by partition or id alone, and round-trips every field', async () => {
    const full = m('ops', 'full', {
      oncall: true,
      requireApproval: true,
      timeoutSeconds: 90,
      env: { A: '1' },
      runArgs: '-x "y z"',
      runOn: 'both',
      match: alertMatchSchema.parse({
        alert_rule_pattern: '^kube-.*/Crash',
        severity: ['Sev0', 'critical'],
        monitor_condition: 'resolved',
        resource_group: 'rg-prod',
        labels: ['namespace=~"pay.*"', 'team!=dev'],
        annotations: ['summary!=""'],
      }),
    });
    await applyMappings(store, [full, m('ops', 'b')], false);
    expect(await store.get('ops', 'full')).toEqual(full);
    expect(await store.findById('full')).toEqual(full);
    expect(await store.get('other', 'full')).toBeNull();
    expect(await store.findById('missing')).toBeNull();
    // Rows written before alert matching, and seed-style mappings, keep the seed behaviour.
    expect(await store.get('ops', 'b')).toMatchObject({ match: null, runOn: 'fired' });
  });

  it('reads rows written before alert matching as seed-style, fired-only mappings', async () => {
    const old = m('legacy', 'old', { match: null, runOn: 'fired' });
    const { partition, name, description, runbook, runArgs, worker, oncall, requireApproval, enabled } = old;
    const columns = { partition, name, description, runbook, runArgs, worker, oncall, requireApproval, enabled };
    await table.upsertEntity({ partitionKey: 'legacy', rowKey: 'old', ...columns, env: '{}' });
    expect(await store.get('legacy', 'old')).toEqual(old);
    await table.deleteEntity('legacy', 'old');
  });

  it('lists match candidates by partition, or all of them through the by-id rows', async () => {
    const ids = (ms: readonly Mapping[]) => ms.map((x) => `${x.partition}/${x.id}`).sort();
    expect(ids(await store.listCandidates('ops'))).toEqual(['ops/b', 'ops/full']);
    expect(ids(await store.listCandidates())).toEqual(['ops/b', 'ops/full']);
    expect(await store.listCandidates("o'ps")).toEqual([]);
    expect((await store.listCandidates('ops')).find((x) => x.id === 'full')?.match).not.toBeNull();
  });

  it('reports stale mappings without removing them, and prunes them when asked', async () => {
    const kept = [m('ops', 'full')];
    const report = await applyMappings(store, kept, false);
    expect(report).toMatchObject({ upserted: 1, pruned: 0, stale: ['ops/b'] });
    expect(await store.findById('b')).not.toBeNull();
    expect(await applyMappings(store, kept, true)).toMatchObject({ pruned: 1, stale: ['ops/b'] });
    expect(await store.findById('b')).toBeNull();
    expect(await store.get('ops', 'b')).toBeNull();
  });

  it('moves an id to another partition without leaving the old row answering', async () => {
    await applyMappings(store, [m('infra', 'full')], true);
    expect(await store.get('ops', 'full')).toBeNull();
    expect(await store.get('infra', 'full')).toMatchObject({ partition: 'infra' });
    expect(await store.findById('full')).toMatchObject({ partition: 'infra' });
  });
});
