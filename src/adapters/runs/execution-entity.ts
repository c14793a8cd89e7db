// Execution entity codec: an Execution to and from a Table row, with output and alert split into chunks.
import { z } from 'zod';
import { alertContextSchema } from '../../domain/alerts/alert';
import { type Execution } from '../../domain/runs/execution';
import { EXECUTION_STATUSES, TRIGGER_KINDS, type TriggerKind } from '../../domain/runs/execution-status';
import { execRowKey } from '../../domain/runs/exec-id';
import { CHUNK_CHARS, chunkColumns, readChunks, writeChunks } from '../shared/chunked-text';
import { storedStructured } from './execution-structured';

export const MAIN_PARTITION = 'x';
// The alert context is bounded when ingested (domain/alert.ts), so a few chunks always hold it.
const ALERT_CHUNKS = 4;

/** The columns holding a record's whole alert (JSON): on the record only, never on its index rows. */
export const ALERT_COLUMNS = chunkColumns('alert', ALERT_CHUNKS);

// Small structured fields, each stored as one JSON column; rows written before they existed lack them.
const JSON_FIELDS = [
  'approval',
  'budget',
  'paging',
  'notifications',
  'params',
  'cancel',
  'concurrency',
  'waiting',
  'requester',
] as const;
type JsonField = (typeof JSON_FIELDS)[number];

const optional = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

const stored = z.object({
  execId: z.string(),
  status: z.enum(EXECUTION_STATUSES as [Execution['status'], ...Execution['status'][]]),
  partition: z.string(),
  mappingId: z.string(),
  mappingName: z.string(),
  runbook: z.string(),
  runArgs: z.string().default(''),
  worker: z.string(),
  oncall: z.boolean(),
  timeoutSeconds: z.number(),
  mappingEnv: z.string().default('{}'),
  trigger: z.enum(TRIGGER_KINDS as [TriggerKind, ...TriggerKind[]]),
  idempotencyKey: optional(z.string()),
  requestedAt: z.string(),
  startedAt: optional(z.string()),
  finishedAt: optional(z.string()),
  durationMs: optional(z.number()),
  exitCode: z.number().nullish(),
  signal: z.string().nullish(),
  outputBytes: optional(z.number()),
  outputTruncated: optional(z.boolean()),
  error: optional(z.string()),
  requestedBy: optional(z.string()),
  requeues: optional(z.number().int()),
  requeuedAt: optional(z.string()),
  leaseUntil: optional(z.string()),
  scheduledFor: optional(z.string()),
  runbookSha256: optional(z.string()),
  appVersion: optional(z.string()),
});

export function toEntity(e: Execution): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const {
    output,
    mappingEnv,
    alert,
    approval,
    budget,
    paging,
    notifications,
    params,
    cancel,
    concurrency,
    waiting,
    requester,
    aksLogin,
    aksCluster,
    ...rest
  } = e;
  const entity: Record<string, unknown> = { ...rest, mappingEnv: JSON.stringify(mappingEnv) };
  const structured = { approval, budget, paging, notifications, params, cancel, concurrency, waiting, requester };
  for (const f of JSON_FIELDS) if (structured[f] !== undefined) entity[f] = JSON.stringify(structured[f]);
  if (aksLogin !== undefined || aksCluster !== undefined)
    entity['aks'] = JSON.stringify({ login: aksLogin ?? false, ...(aksCluster ? { cluster: aksCluster } : {}) });
  writeChunks(entity, 'out', output);
  const alertJson = alert === undefined ? undefined : JSON.stringify(alert);
  // boundAlert keeps alerts far below this; a longer one would be read back cut short, so it must never be written.
  if (alertJson && alertJson.length > ALERT_CHUNKS * CHUNK_CHARS)
    throw new Error(`alert of ${e.execId} is too large to store`);
  writeChunks(entity, 'alert', alertJson);
  return { partitionKey: MAIN_PARTITION, rowKey: execRowKey(e.execId), ...entity };
}

export function fromEntity(entity: Record<string, unknown>): Execution {
  const { mappingEnv, exitCode, signal, ...rest } = stored.parse(entity);
  const env = z.record(z.string(), z.string()).parse(JSON.parse(mappingEnv));
  const output = readChunks(entity, 'out');
  const alertJson = readChunks(entity, 'alert');
  return {
    ...withoutUndefined(rest),
    mappingEnv: env,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(signal !== undefined ? { signal } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(alertJson !== undefined ? { alert: alertContextSchema.parse(JSON.parse(alertJson)) } : {}),
    ...structuredFields(entity),
    ...aksFields(entity['aks']),
  };
}

// Rows written before AKS login, and runs of mappings without it, have no `aks` column.
function aksFields(text: unknown): Pick<Execution, 'aksLogin' | 'aksCluster'> {
  if (typeof text !== 'string') return {};
  const aks = storedStructured.aks.parse(JSON.parse(text));
  return { aksLogin: aks.login, ...(aks.cluster ? { aksCluster: aks.cluster } : {}) };
}

function structuredFields(entity: Record<string, unknown>): Partial<Pick<Execution, JsonField>> {
  const out: Record<string, unknown> = {};
  for (const f of JSON_FIELDS) {
    const text = entity[f];
    if (typeof text === 'string') out[f] = storedStructured[f].parse(JSON.parse(text));
  }
  return out as Partial<Pick<Execution, JsonField>>;
}

// Optional columns come back from zod as `T | undefined`; an Execution leaves them out instead.
type WithoutUndefined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

function withoutUndefined<T extends object>(o: T): WithoutUndefined<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as WithoutUndefined<T>;
}
