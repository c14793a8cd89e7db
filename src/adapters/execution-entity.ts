// Execution entity codec: an Execution to and from a Table row, with output split into property-sized chunks.
import { z } from 'zod';
import { EXECUTION_STATUSES, type Execution } from '../domain/execution';
import { execRowKey } from '../domain/exec-id';

export const MAIN_PARTITION = 'x';
// A string property holds at most 64 KiB of UTF-16: 30,000 code units leaves room.
const CHUNK = 30_000;

export const SUMMARY_COLUMNS = [
  'execId',
  'status',
  'partition',
  'mappingId',
  'mappingName',
  'runbook',
  'runArgs',
  'worker',
  'oncall',
  'timeoutSeconds',
  'mappingEnv',
  'trigger',
  'requestedAt',
  'startedAt',
  'finishedAt',
  'durationMs',
  'exitCode',
  'signal',
  'outputBytes',
  'outputTruncated',
  'error',
];

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
  trigger: z.literal('manual'),
  requestedAt: z.string(),
  startedAt: optional(z.string()),
  finishedAt: optional(z.string()),
  durationMs: optional(z.number()),
  exitCode: z.number().nullish(),
  signal: z.string().nullish(),
  outputBytes: optional(z.number()),
  outputTruncated: optional(z.boolean()),
  error: optional(z.string()),
  outputChunks: optional(z.number().int().min(0)),
});

export function toEntity(e: Execution): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const { output, mappingEnv, ...rest } = e;
  const chunks = splitChunks(output);
  const entity: Record<string, unknown> = { ...rest, mappingEnv: JSON.stringify(mappingEnv) };
  if (output !== undefined) entity['outputChunks'] = chunks.length;
  chunks.forEach((c, i) => (entity[`out${i}`] = c));
  return { partitionKey: MAIN_PARTITION, rowKey: execRowKey(e.execId), ...entity };
}

export function fromEntity(entity: Record<string, unknown>): Execution {
  const { outputChunks, mappingEnv, exitCode, signal, ...rest } = stored.parse(entity);
  const env = z.record(z.string(), z.string()).parse(JSON.parse(mappingEnv));
  const base: Execution = {
    ...withoutUndefined(rest),
    mappingEnv: env,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(signal !== undefined ? { signal } : {}),
  };
  if (outputChunks === undefined) return base;
  let output = '';
  for (let i = 0; i < outputChunks; i++) output += String(entity[`out${i}`] ?? '');
  return { ...base, output };
}

function splitChunks(text: string | undefined): string[] {
  if (!text) return [];
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + CHUNK, text.length);
    // Never leave half of a surrogate pair at the end of a chunk.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(text.slice(i, end));
    i = end;
  }
  return chunks;
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
