// The executions contract: /api/logs queries, an execution's summary and detail, pages, output slices and cancels.
import { z } from 'zod';
import { decimalDigits } from '../../domain/shared/whole-number';
import {
  actor,
  concurrencyPolicy,
  executionStatus,
  instantText,
  link,
  namedMappingRef,
  nullableText,
  stringMap,
  triggerKind,
} from './common';

// Names and forms here; what the values mean (statuses, instants, ranges) is checked by parseExecutionFilter.
const text = z.string().optional();
export const LIST_QUERY = {
  status: text,
  mapping: text,
  trigger: text,
  rule: text,
  since: text,
  until: text,
  limit: decimalDigits.optional(),
  continuation: text,
};
export const ONE_QUERY = { format: z.enum(['json', 'text'], 'must be "json" or "text"').optional() };
export const OUTPUT_QUERY = { offset: decimalDigits.optional() };

export const cancelBody = z.strictObject({ reason: z.string().optional() }).meta({ id: 'CancelRequest' });

const approval = z.object({
  expiresAt: z.string(),
  because: z.enum(['mapping', 'budget']),
  fourEyes: z.boolean(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
});
const budget = z.object({
  count: z.number().int(),
  windowSeconds: z.number().int(),
  per: z.enum(['mapping', 'resource']),
  recent: z.array(z.object({ execId: z.string(), usedAt: z.string() })).readonly(),
});
const notification = z.looseObject({
  channel: z.enum(['opsgenie', 'chat']),
  action: z.enum(['create', 'close']),
  kind: z.enum(['failure', 'throttled', 'expired', 'approval', 'recovered', 'decided']),
  alias: z.string(),
  state: z.enum(['pending', 'sent', 'failing', 'failed']),
  attempts: z.number().int(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
  lastError: z.string().optional(),
});
const alertSummary = z.object({
  source: z.enum(['azure-monitor', 'alertmanager']),
  alertId: z.string(),
  rule: nullableText,
  monitorCondition: z.enum(['Fired', 'Resolved']),
  severity: nullableText,
  signalType: nullableText,
  resourceId: nullableText,
  firedAt: nullableText,
  resolvedAt: nullableText,
});
/** The alert as parsed, in full (an execution's detail). */
export const alertContext = z
  .looseObject({
    source: z.enum(['azure-monitor', 'alertmanager']),
    alertId: z.string(),
    rule: nullableText,
    monitorCondition: z.enum(['Fired', 'Resolved']),
    resource: z.looseObject({ id: nullableText }),
    labels: stringMap,
    annotations: stringMap,
  })
  .meta({ id: 'Alert' });

export const executionSummary = z
  .object({
    execId: z.string(),
    status: executionStatus,
    mapping: namedMappingRef,
    runbook: z.string(),
    run_args: z.string(),
    worker: z.string(),
    oncall: z.boolean(),
    trigger: triggerKind,
    alert: alertSummary.nullable(),
    timeoutSeconds: z.number().int(),
    requestedAt: instantText,
    startedAt: nullableText,
    finishedAt: nullableText,
    durationMs: z.number().nullable(),
    exitCode: z.number().int().nullable(),
    signal: nullableText,
    outputBytes: z.number().int().nullable(),
    outputTruncated: z.boolean(),
    error: nullableText,
    requestedBy: nullableText,
    approval: approval.nullable(),
    budget: budget.nullable(),
    notifications: z.array(notification).readonly(),
    params: stringMap.nullable().meta({ description: 'Plain values; secret ones as "[secret]".' }),
    cancel: z.object({ requestedBy: z.string(), reason: nullableText, requestedAt: z.string() }).nullable(),
    scheduledFor: nullableText,
    concurrency: concurrencyPolicy.nullable(),
    waiting: z.object({ reason: z.string(), since: z.string() }).nullable(),
    requester: actor.nullable(),
    runbookSha256: nullableText,
    appVersion: nullableText,
    links: z.object({ self: link }),
  })
  .meta({ id: 'ExecutionSummary' });
export type ExecutionSummary = z.output<typeof executionSummary>;

const approvalLinks = { approve: link.optional(), reject: link.optional() };

export const executionDetail = executionSummary
  .extend({
    alert: alertContext.nullable(),
    idempotencyKey: nullableText,
    output: nullableText,
    links: z.object({ self: link, output: link, ...approvalLinks }),
  })
  .meta({ id: 'ExecutionDetail' });
export type ExecutionDetail = z.output<typeof executionDetail>;

export const executionsPage = z
  .object({
    items: z.array(executionSummary),
    continuation: nullableText,
    links: z.object({ next: link.nullable() }),
  })
  .meta({ id: 'ExecutionsPage' });

export const outputSlice = z
  .object({
    execId: z.string(),
    status: executionStatus,
    exitCode: z.number().int().nullable(),
    offset: z.number().int(),
    omittedBytes: z.number().int(),
    text: z.string(),
    nextOffset: z.number().int(),
    done: z.boolean(),
  })
  .meta({ id: 'OutputSlice' });
