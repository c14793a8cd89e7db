// Read executions: validated list filters with opaque continuation tokens, and single records.
import { z } from 'zod';
import { badRequest, notFound } from '../../domain/shared/errors';
import { isExecId } from '../../domain/runs/exec-id';
import { type Execution } from '../../domain/runs/execution';
import {
  EXECUTION_STATUSES,
  TRIGGER_KINDS,
  type ExecutionStatus,
  type TriggerKind,
} from '../../domain/runs/execution-status';
import { mappingKeySchema } from '../../domain/mappings/mapping-schema';
import { wholeNumber } from '../../domain/shared/whole-number';
import type { ExecutionStore } from './ports';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

// Execution row keys count milliseconds between 1970 and 2286; outside that the key order breaks.
const instant = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() < 2286, 'must be between 1970 and 2285');

const listQuerySchema = z.object({
  status: z.enum(EXECUTION_STATUSES as [ExecutionStatus, ...ExecutionStatus[]]).optional(),
  mapping: mappingKeySchema.optional(),
  trigger: z.enum(TRIGGER_KINDS as [TriggerKind, ...TriggerKind[]]).optional(),
  rule: z.string().min(1).max(512).optional(),
  since: instant.optional(),
  until: instant.optional(),
  limit: wholeNumber(1, MAX_LIMIT).default(DEFAULT_LIMIT),
  continuation: z.string().max(200).optional(),
});

export type ListResult = { readonly items: Execution[]; readonly continuation?: string };

export async function listExecutions(store: ExecutionStore, params: Record<string, string>): Promise<ListResult> {
  const parsed = listQuerySchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(String(issue?.path[0] ?? 'query'), `Invalid ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const q = parsed.data;
  if (q.since && q.until && q.since > q.until) throw badRequest('since', '"since" must not be later than "until".');
  const afterExecId = q.continuation === undefined ? undefined : decodeToken(q.continuation);
  const page = await store.list({
    limit: q.limit,
    ...(q.status ? { status: q.status } : {}),
    ...(q.mapping ? { mappingId: q.mapping } : {}),
    ...(q.trigger ? { trigger: q.trigger } : {}),
    ...(q.rule ? { rule: q.rule } : {}),
    ...(q.since ? { since: q.since } : {}),
    ...(q.until ? { until: q.until } : {}),
    ...(afterExecId ? { afterExecId } : {}),
  });
  return { items: page.items, ...(page.lastExecId ? { continuation: encodeToken(page.lastExecId) } : {}) };
}

export async function getExecution(store: ExecutionStore, execId: string): Promise<Execution> {
  if (!isExecId(execId)) throw badRequest('execId', `"${execId.slice(0, 80)}" is not an execution id.`);
  const found = await store.get(execId);
  if (!found) throw notFound(`No execution ${execId}.`, { field: 'execId' });
  return found.value;
}

function encodeToken(execId: string): string {
  return Buffer.from(execId, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const execId = Buffer.from(token, 'base64url').toString('utf8');
  if (!isExecId(execId)) throw badRequest('continuation', 'Invalid continuation token.');
  return execId;
}
