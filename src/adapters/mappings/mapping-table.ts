// Mapping table: PartitionKey = partition_key, RowKey = id, plus a by-id copy so a lookup by id alone is a point read.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { paramsSchema } from '../../domain/mappings/param-spec';
import { storedAksCluster } from '../../domain/worker/aks-target';
import { alertMatchSchema, toAuthoredMatch } from '../../domain/alerts/alert-match';
import { RUN_ON } from '../../domain/alerts/alert-match';
import { BUDGET_ACTIONS } from '../../domain/budgets/budget';
import { NO_ACCESS_LIST } from '../../domain/identity/mapping-access';
import type { Mapping } from '../../domain/mappings/mapping';
import { NO_PAGING } from '../../domain/oncall/paging';
import type { MappingStore } from '../../services/mappings/ports';
import { storedStructured } from '../runs/execution-structured';
import { ignoreNotFound, allowMissing, callStorage } from '../shared/storage-errors';

// Partition keys in mapping files cannot start with '~', so this partition never collides with one of them.
const BY_ID = '~id';
const BATCH = 100;

// Written with the schedule: its parameters and catch_up travel in the same column.
const storedSchedule = z.object({
  cron: z.string(),
  timezone: z.string(),
  params: z.record(z.string(), z.unknown()),
  catchUp: z.boolean(),
});

const storedMapping = z.object({
  partition: z.string(),
  name: z.string(),
  description: z.string().default(''),
  runbook: z.string(),
  runArgs: z.string().default(''),
  worker: z.string(),
  oncall: z.boolean(),
  requireApproval: z.boolean(),
  timeoutSeconds: z.number().nullable().default(null),
  enabled: z.boolean(),
  env: z.string().default('{}'),
  // Rows written before alert matching have neither: they keep the seed behaviour.
  match: z.string().nullable().default(null),
  runOn: z.enum(RUN_ON).default('fired'),
  // Rows written before approvals and budgets: no four-eyes rule, no budget, plain pages.
  fourEyes: z.boolean().default(false),
  maxRuns: z.string().nullable().default(null),
  onBudgetExceeded: z.enum(BUDGET_ACTIONS).default('throttle'),
  paging: z.string().nullable().default(null),
  // Rows written before AKS login: no login, no cluster.
  aksLogin: z.boolean().default(false),
  aksCluster: z.string().nullable().default(null),
  params: z.string().nullish(),
  schedule: z.string().nullish(),
  // Rows written before concurrency policies: runs may overlap.
  concurrency: z.string().nullish(),
  // Rows written before access lists: the roles decide.
  access: z.string().nullish(),
});

const storedBudget = z.object({
  count: z.number().int(),
  windowSeconds: z.number().int(),
  per: z.enum(['mapping', 'resource']),
});

const storedConcurrency = storedStructured.concurrency.omit({ key: true });
const storedAccess = z.object({ run: z.array(z.string()).nullable(), approve: z.array(z.string()).nullable() });

export function createMappingTable(table: TableClient): MappingStore {
  const read = async (partitionKey: string, rowKey: string): Promise<Mapping | null> =>
    callStorage(async () => {
      const entity = await allowMissing(table.getEntity(partitionKey, rowKey));
      return entity ? fromEntity(rowKey, entity) : null;
    });
  return {
    get: (partition, id) => read(partition, id),
    findById: (id) => read(BY_ID, id),
    // One partition query either way: the by-id partition holds every mapping once.
    listCandidates: (partition) => list(table, odata`PartitionKey eq ${partition ?? BY_ID}`),
    // A scan of the mapping rows: only `schemas apply` calls this, never a request.
    listAll: () => list(table, odata`PartitionKey ne ${BY_ID}`),
    upsertAll: (mappings) => upsertAll(table, mappings),
    // One by one: a batch fails whole on a row that is already gone, and may hold the same by-id row twice.
    removeAll: (mappings) =>
      callStorage(async () => {
        for (const m of mappings) {
          for (const pk of [m.partition, BY_ID]) await table.deleteEntity(pk, m.id).catch(ignoreNotFound);
        }
      }),
  };
}

async function list(table: TableClient, filter: string): Promise<Mapping[]> {
  return callStorage(async () => {
    const out: Mapping[] = [];
    for await (const e of table.listEntities({ queryOptions: { filter } })) out.push(fromEntity(String(e.rowKey), e));
    return out;
  });
}

async function upsertAll(table: TableClient, mappings: readonly Mapping[]): Promise<void> {
  // Each mapping is written twice: under its own partition and under the by-id partition.
  const byPartition = new Map<string, TransactionAction[]>();
  const add = (pk: string, m: Mapping) =>
    byPartition.set(pk, [...(byPartition.get(pk) ?? []), ['upsert', toEntity(pk, m), 'Replace']]);
  for (const m of mappings) {
    add(m.partition, m);
    add(BY_ID, m);
  }
  await callStorage(async () => {
    for (const actions of byPartition.values()) {
      for (let i = 0; i < actions.length; i += BATCH) await table.submitTransaction(actions.slice(i, i + BATCH));
    }
  });
}

function toEntity(partitionKey: string, m: Mapping) {
  return {
    partitionKey,
    rowKey: m.id,
    partition: m.partition,
    name: m.name,
    description: m.description,
    runbook: m.runbook,
    runArgs: m.runArgs,
    worker: m.worker,
    oncall: m.oncall,
    requireApproval: m.requireApproval,
    timeoutSeconds: m.timeoutSeconds,
    enabled: m.enabled,
    env: JSON.stringify(m.env),
    match: m.match ? JSON.stringify(toAuthoredMatch(m.match)) : null,
    runOn: m.runOn,
    fourEyes: m.fourEyes,
    maxRuns: m.maxRuns ? JSON.stringify(m.maxRuns) : null,
    onBudgetExceeded: m.onBudgetExceeded,
    paging: JSON.stringify(m.paging),
    aksLogin: m.aksLogin,
    aksCluster: m.aksCluster ? JSON.stringify(m.aksCluster) : null,
    params: JSON.stringify(m.params),
    schedule: m.schedule ? JSON.stringify({ ...m.schedule, params: m.scheduleParams, catchUp: m.catchUp }) : null,
    concurrency: m.concurrency ? JSON.stringify(m.concurrency) : null,
    access: m.access.run || m.access.approve ? JSON.stringify(m.access) : null,
  };
}

function fromEntity(id: string, entity: unknown): Mapping {
  const e = storedMapping.parse(entity);
  const env = z.record(z.string(), z.string()).parse(JSON.parse(e.env));
  const match = e.match === null ? null : alertMatchSchema.parse(JSON.parse(e.match));
  const maxRuns = e.maxRuns === null ? null : storedBudget.parse(JSON.parse(e.maxRuns));
  const paging = e.paging === null ? NO_PAGING : storedStructured.paging.parse(JSON.parse(e.paging));
  const aksCluster = e.aksCluster === null ? null : storedAksCluster.parse(JSON.parse(e.aksCluster));
  // Rows written before parameters existed have none.
  const params = e.params ? paramsSchema.parse(JSON.parse(e.params)) : {};
  const schedule = e.schedule ? storedSchedule.parse(JSON.parse(e.schedule)) : null;
  const concurrency = e.concurrency ? storedConcurrency.parse(JSON.parse(e.concurrency)) : null;
  const access = e.access ? storedAccess.parse(JSON.parse(e.access)) : NO_ACCESS_LIST;
  return {
    ...e,
    id,
    env,
    match,
    maxRuns,
    paging,
    aksCluster,
    params,
    schedule: schedule ? { cron: schedule.cron, timezone: schedule.timezone } : null,
    scheduleParams: schedule?.params ?? {},
    catchUp: schedule?.catchUp ?? false,
    concurrency,
    access,
  };
}
