// Trigger function: ?id=<mapping id> runs one mapping; an alert webhook body runs whatever mappings claim it.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import { badRequest } from '../src/domain/shared/errors';
import { detectPayloadKind } from '../src/domain/alerts/alert-payload';
import { idempotencyKeySchema, parseIdempotencyKey, type RequestKey } from '../src/domain/runs/idempotency-key';
import { toMappingView } from '../src/domain/mappings/mapping';
import { mappingKeySchema, partitionKeySchema } from '../src/domain/mappings/mapping-schema';
import { authLevelFor, createGuardedHandler, readOrigin, type GuardFor } from '../src/http/guarded-handler';
import type { Caller } from '../src/domain/identity/caller';
import { fieldOfIssue, hasBody, readJsonBody } from '../src/http/json-body';
import { parseQuery } from '../src/http/query-params';
import { toAlertRunView } from '../src/http/views';
import { runBody, TRIGGER_QUERY } from '../src/http/api-contract/trigger';
import { executionPath } from '../src/domain/shared/api-paths';
import { PRINCIPAL_HEADER } from '../src/http/principal';
import { claimedName } from '../src/http/caller';
import type { RunRequest } from '../src/services/runs/request-run';
import type { Logger } from '../src/services/shared/ports';
import type { Provide } from '../src/composition/service-groups';
import type { Answer } from '../src/http/api-contract/common';
import type { alertsAnswer, payloadPreview, runAnswer, runPreview } from '../src/http/api-contract/trigger';

const IDEMPOTENCY_HEADER = 'Idempotency-Key';

// A dry run records and runs nothing: reading is enough for it.
export const rightOf = (request: HttpRequest) =>
  /^(true|1|)$/.test(request.query.get('dry_run') ?? 'no') ? 'read' : 'run';

/** /api/Trigger: keyed (alert senders, CI); manual runs and alerts. */
export function defineTriggerFunction(services: Provide<'trigger'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('keyed', rightOf);
  return {
    route: 'Trigger/{partition?}',
    methods: ['GET', 'POST'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, (request, log, caller) =>
      handleTrigger(services, request, log, { caller, alerts: true }),
    ),
  };
}

export type Door = { readonly caller: Caller; readonly alerts: boolean };

export async function handleTrigger(
  services: Provide<'trigger'>,
  request: HttpRequest,
  log: Logger,
  door: Door,
): Promise<HttpResponseInit> {
  const partitionParam = request.params['partition'];
  const partition =
    partitionParam === undefined ? undefined : parseField('partition', partitionKeySchema, partitionParam);
  const query = parseQuery(request, TRIGGER_QUERY);
  const id = query.id ?? null;
  const dryRun = query.dry_run === 'true' || query.dry_run === '1' || query.dry_run === '';
  // No id and nothing posted: the caller most likely forgot the id, so that is what the error names.
  if (id !== null || request.method === 'GET' || !hasBody(request) || !door.alerts) {
    const req: RunRequest = {
      id: parseField('id', mappingKeySchema, id, 'Pass the mapping id as ?id=<id>.'),
      trigger: 'manual',
      ...(partition ? { partition } : {}),
      ...requesterOf(request, door.caller),
      origin: readOrigin(request),
      requesterField: PRINCIPAL_HEADER,
      ...idempotencyKeyOf(request),
      ...(await readRunBody(request)),
    };
    if (dryRun)
      return { status: 200, jsonBody: (await services().previewRun(req)) satisfies Answer<typeof runPreview> };
    return await manual(services, req, log);
  }
  const body = await readJsonBody(request);
  if (dryRun)
    return {
      status: 200,
      jsonBody: (await services().previewAlerts(body, partition)) satisfies Answer<typeof payloadPreview>,
    };
  return await alerts(services, body, partition, log);
}

async function manual(services: Provide<'trigger'>, req: RunRequest, log: Logger): Promise<HttpResponseInit> {
  const { execution, mapping, approvals, duplicate } = await services().requestRun(req, log);
  const self = executionPath(execution.execId);
  // 202: work accepted for later (queued, or waiting for approval). 200: recorded and settled now (throttled).
  // A repeated Idempotency-Key gets the status the first request got: only a throttled run was answered 200.
  return {
    status: execution.status === 'throttled' ? 200 : 202,
    headers: { Location: self },
    jsonBody: {
      execId: execution.execId,
      status: execution.status,
      duplicate,
      ...(execution.error ? { reason: execution.error } : {}),
      ...(execution.approval ? { expiresAt: execution.approval.expiresAt } : {}),
      mapping: toMappingView(mapping),
      links: { self, ...(approvals ?? {}) },
    } satisfies Answer<typeof runAnswer>,
  };
}

async function alerts(services: Provide<'trigger'>, body: unknown, partition: string | undefined, log: Logger) {
  const report = await services().ingestAlerts(body, partition, log);
  // 202 when this delivery left new work to do; 200 for repeats, skips, throttles and alerts nobody claimed.
  const queuedNew = report.executions.some(
    (e) => !e.duplicate && (e.status === 'queued' || e.status === 'pending_approval'),
  );
  return {
    status: queuedNew ? 202 : 200,
    jsonBody: {
      alerts: report.alerts,
      matched: report.matched,
      executions: report.executions.map(toAlertRunView),
    } satisfies Answer<typeof alertsAnswer>,
  };
}

function parseField(field: string, schema: z.ZodType<string>, value: string | null, hint = ''): string {
  if (value === null) throw badRequest(field, `Missing "${field}". ${hint}`.trim());
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(field, `Invalid "${field}": ${parsed.error.issues[0]?.message}.`);
  return parsed.data;
}

// Repeated headers arrive joined by ", ", which no valid key contains: that is a 400 too.
function idempotencyKeyOf(request: HttpRequest): { idempotencyKey?: RequestKey } {
  const raw = request.headers.get(IDEMPOTENCY_HEADER);
  if (raw === null) return {};
  const parsed = idempotencyKeySchema.safeParse(parseIdempotencyKey(raw));
  if (!parsed.success) {
    throw badRequest(IDEMPOTENCY_HEADER, `Invalid ${IDEMPOTENCY_HEADER} header: ${parsed.error.issues[0]?.message}.`);
  }
  return { idempotencyKey: { key: parsed.data, field: IDEMPOTENCY_HEADER } };
}

async function readRunBody(request: HttpRequest): Promise<{ params?: unknown }> {
  if (request.method === 'GET' || !hasBody(request)) return {};
  const body = await readJsonBody(request, 'the run request');
  // An action group or Alertmanager pointed at ?id=: the alert would be dropped, so say where alerts go.
  if (detectPayloadKind(body) !== 'unknown') {
    throw badRequest(
      'id',
      'This body is an alert: post alerts to /api/Trigger without ?id=; mappings claim them by rule name or match.',
    );
  }
  const parsed = runBody.safeParse(body);
  if (parsed.success) return parsed.data.params === undefined ? {} : { params: parsed.data.params };
  const issue = parsed.error.issues[0];
  const { field, unknownKey } = fieldOfIssue(issue);
  if (unknownKey)
    throw badRequest(field, 'A run request\'s body has one field, "params": {"params": {"NAME": "value"}}.');
  throw badRequest(field, `Invalid body: ${issue?.message ?? 'expected {"params": {...}}'}.`);
}

// Without sign-in, a key holder may still say who asks (unverified, as before sign-in existed); otherwise the caller
// is who the sign-in (or the local runtime) says.
function requesterOf(request: HttpRequest, caller: Caller): Pick<RunRequest, 'requestedBy' | 'requester' | 'caller'> {
  const name = claimedName(request, caller);
  return {
    ...(name ? { requestedBy: name } : {}),
    requester: { id: caller.id, name: name ?? caller.name, kind: caller.kind },
    caller,
  };
}
