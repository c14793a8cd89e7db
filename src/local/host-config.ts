// Reads host.json and turns it into the settings the local host emulation needs, with the Functions host defaults.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { StartError } from './start-error';

export type QueueMessageEncoding = 'base64' | 'none';

export type QueueHostSettings = {
  readonly batchSize: number;
  readonly newBatchThreshold: number;
  readonly maxDequeueCount: number;
  readonly visibilityTimeoutMs: number;
  readonly maxPollingIntervalMs: number;
  readonly messageEncoding: QueueMessageEncoding;
};

export type HostConfig = {
  readonly routePrefix: string;
  /** null: no timeout configured ("-1", null or absent); the plan decides on Azure. */
  readonly functionTimeoutMs: number | null;
  readonly queues: QueueHostSettings;
};

// Defaults of QueuesOptions in Microsoft.Azure.WebJobs.Extensions.Storage.Queues v5 (the extension bundle 4.x one).
const DEFAULT_BATCH_SIZE = 16;
const DEFAULT_MAX_DEQUEUE_COUNT = 5;
const DEFAULT_MAX_POLLING_INTERVAL_MS = 60_000;
// QueuePollingIntervals.Minimum: the host rejects a smaller maxPollingInterval.
const MIN_POLLING_INTERVAL_MS = 100;

const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

/** Parses a .NET TimeSpan "[d.]hh:mm[:ss[.fffffff]]" into milliseconds; null when it is not one. */
export function parseTimeSpan(value: string): number | null {
  const match = TIME_SPAN.exec(value.trim());
  if (match === null) return null;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  const h = Number(hours);
  const m = Number(minutes);
  const s = Number(seconds);
  if (h > 23 || m > 59 || s > 59) return null;
  const fractionMs = fraction === '' ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  return ((Number(days) * 24 + h) * 60 + m) * 60_000 + s * 1000 + fractionMs;
}

// `unbounded` accepts "-1", the documented spelling of "no timeout" for functionTimeout, as null.
function timeSpanField(unbounded: boolean) {
  return z.string().transform((value, ctx): number | null => {
    if (unbounded && value.trim() === '-1') return null;
    const ms = parseTimeSpan(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `expected a TimeSpan "hh:mm:ss" or "d.hh:mm:ss", got "${value}"` });
      return z.NEVER;
    }
    return ms;
  });
}
// The pipe only narrows the type: without `unbounded` the transform never yields null.
const timeSpanMs = timeSpanField(false).pipe(z.number());

// The host parses the encoding enum case-insensitively ("Base64", "none", ...).
const encoding = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(['base64', 'none']));

const queuesSchema = z.object({
  batchSize: z.number().int().min(1).max(32).optional(),
  newBatchThreshold: z.number().int().min(0).optional(),
  maxDequeueCount: z.number().int().min(1).optional(),
  visibilityTimeout: timeSpanMs.optional(),
  maxPollingInterval: timeSpanMs
    .refine((ms) => ms >= MIN_POLLING_INTERVAL_MS, `must be at least ${MIN_POLLING_INTERVAL_MS} ms`)
    .optional(),
  messageEncoding: encoding.optional(),
});

const hostJsonSchema = z.object({
  version: z.literal('2.0'),
  functionTimeout: timeSpanField(true).nullable().optional(),
  extensions: z
    .object({
      http: z.object({ routePrefix: z.string().optional() }).optional(),
      queues: queuesSchema.optional(),
    })
    .optional(),
});

type HostJson = z.infer<typeof hostJsonSchema>;

export type LoadHostConfigOptions = {
  /** Multiplier of the default newBatchThreshold, as the host uses the instance's vCPU count. Default 1. */
  readonly processorCount?: number | undefined;
};

/** Reads and validates host.json; errors name the file and the offending field. */
export async function loadHostConfig(path: string, options: LoadHostConfigOptions = {}): Promise<HostConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StartError(`Cannot read host.json at ${path}: ${describe(error)}`);
  }
  return parseHostConfig(text, path, options);
}

/** Same as loadHostConfig for text already in memory; `source` only labels error messages. */
export function parseHostConfig(text: string, source: string, options: LoadHostConfigOptions = {}): HostConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StartError(`Invalid host.json at ${source}: not valid JSON (${describe(error)})`);
  }
  const parsed = hostJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new StartError(`Invalid host.json at ${source}: ${issues.join('; ')}`);
  }
  return toHostConfig(parsed.data, options.processorCount ?? 1);
}

function toHostConfig(json: HostJson, processorCount: number): HostConfig {
  const queues = json.extensions?.queues ?? {};
  const batchSize = queues.batchSize ?? DEFAULT_BATCH_SIZE;
  return {
    routePrefix: json.extensions?.http?.routePrefix ?? 'api',
    functionTimeoutMs: json.functionTimeout ?? null,
    queues: {
      batchSize,
      // QueuesOptions.NewBatchThreshold: (BatchSize / 2) * ProcessorCount with integer division unless set.
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor(batchSize / 2) * processorCount,
      maxDequeueCount: queues.maxDequeueCount ?? DEFAULT_MAX_DEQUEUE_COUNT,
      visibilityTimeoutMs: queues.visibilityTimeout ?? 0,
      maxPollingIntervalMs: queues.maxPollingInterval ?? DEFAULT_MAX_POLLING_INTERVAL_MS,
      messageEncoding: queues.messageEncoding ?? 'base64',
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
