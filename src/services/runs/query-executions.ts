// Read executions: filtered pages with opaque continuation tokens, and single records.
import { badRequest, notFound } from '../../domain/shared/errors';
import { isExecId } from '../../domain/runs/exec-id';
import type { Execution, ListedExecution } from '../../domain/runs/execution';
import type { ExecutionStatus, TriggerKind } from '../../domain/runs/execution-status';
import type { ExecutionStore } from './ports';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** A listing as its caller asks for it, each value already checked where it came in (the HTTP query parser). */
export type ExecutionFilter = {
  readonly status?: ExecutionStatus | undefined;
  readonly mapping?: string | undefined;
  readonly trigger?: TriggerKind | undefined;
  readonly rule?: string | undefined;
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
  readonly limit: number;
  /** The opaque token of the previous page's answer. */
  readonly continuation?: string | undefined;
};

export type ListResult = { readonly items: ListedExecution[]; readonly continuation?: string };

export async function listExecutions(store: ExecutionStore, q: ExecutionFilter): Promise<ListResult> {
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
