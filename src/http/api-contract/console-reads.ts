// The console's reads: /api/me, /api/mappings (and one), /api/overview, /api/schedules, /api/alerts/unmatched.
import { z } from 'zod';
import { ROLES } from '../../domain/identity/caller';
import { PARAM_TYPES } from '../../domain/mappings/param-spec';
import { mappingKeySchema, partitionKeySchema } from '../../domain/mappings/mapping-schema';
import { wholeNumber } from '../../domain/shared/whole-number';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../services/runs/query-executions';
import { concurrencyPolicy, executionStatus, instantText, link, namedMappingRef, nullableText } from './common';

// A week at most: the window's runs are counted row by row (up to a cap), so it stays a glance, not a report.
export const OVERVIEW_QUERY = { hours: wholeNumber(1, 168).default(24) };
export const UNMATCHED_QUERY = { limit: wholeNumber(1, MAX_LIMIT).default(DEFAULT_LIMIT) };
// Inverted event time, then a hash of the event: what the list gives as `key`.
export const unmatchedKey = z
  .string()
  .regex(/^\d{13}-[0-9a-f]{32}$/, 'the `key` of an item of GET /api/alerts/unmatched');

export const meAnswer = z
  .object({
    id: z.string().meta({ description: "A person's object id, `key` for a key holder; what four eyes compares." }),
    name: z.string(),
    kind: z.enum(['person', 'system', 'alert', 'schedule']),
    roles: z.array(z.enum(ROLES)),
    auth: z.enum(['easy-auth', 'keys', 'local-admin', 'principal-header']),
    rights: z.object({
      read: z.boolean(),
      run: z.boolean(),
      cancel: z.boolean(),
      approve: z.boolean(),
      audit: z.enum(['all', 'own', 'none']),
    }),
  })
  .meta({ id: 'Me' });

const paramView = z.object({
  name: z.string(),
  type: z.enum(PARAM_TYPES),
  required: z.boolean(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  enum: z.array(z.string()).readonly().optional(),
  pattern: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  secret: z.boolean(),
  description: z.string().optional(),
});
const budgetView = z.object({
  count: z.number().int(),
  window: z.number().int(),
  per: z.enum(['mapping', 'resource']),
});

export const mappingCard = z
  .object({
    mapping: namedMappingRef,
    description: z.string().optional(),
    runbook: z.string(),
    enabled: z.boolean(),
    triggers: z.array(z.enum(['manual', 'alert', 'schedule'])).readonly(),
    match: z.array(z.string()).readonly(),
    params: z.array(paramView).readonly(),
    schedule: z.object({ cron: z.string(), timezone: z.string(), next: z.array(z.string()).readonly() }).nullable(),
    oncall: z.object({ opsgenie: z.looseObject({}) }).nullable(),
    approval: z
      .object({
        required: z.boolean(),
        on_budget_exceeded: z.enum(['throttle', 'require_approval']),
        four_eyes: z.boolean(),
        approvers: z.array(z.string()).readonly().nullable(),
      })
      .nullable(),
    budget: budgetView.nullable(),
    concurrency: concurrencyPolicy.nullable(),
    may: z.object({ run: z.boolean(), approve: z.boolean() }),
    lastRun: z.object({ execId: z.string(), status: executionStatus, requestedAt: z.string() }).nullable(),
  })
  .meta({ id: 'MappingCard' });

export const mappingsAnswer = z.object({ items: z.array(mappingCard) }).meta({ id: 'Mappings' });

export const mappingDetail = mappingCard
  .extend({
    budget: budgetView.extend({ used: z.number().int().nullable(), remaining: z.number().int().nullable() }).nullable(),
    concurrency: concurrencyPolicy
      .extend({ running: z.array(z.string()).readonly(), waiting: z.number().int() })
      .nullable(),
  })
  .meta({ id: 'MappingDetail' });

export const mappingPathParams = z.object({ partition: partitionKeySchema, id: mappingKeySchema });

const partOk = z.enum(['ok', 'unavailable']);

export const overviewAnswer = z
  .object({
    since: instantText,
    runs: z.object({
      total: z.number().int(),
      byStatus: z.partialRecord(executionStatus, z.number().int()),
      failureRate: z.number(),
      capped: z.boolean(),
    }),
    waitingApproval: z.number().int(),
    throttled: z.number().int(),
    skipped: z.number().int(),
    stuck: z.number().int(),
    poisonMessages: z.object({
      total: z.number().int(),
      queues: z.array(z.object({ name: z.string(), count: z.number().int() })),
    }),
    unmatchedAlerts: z.number().int(),
    health: z.object({ tables: partOk, queues: partOk }),
    oncall: z.object({ owed: z.number().int(), failing: z.number().int(), oldestOwedAt: nullableText }),
  })
  .meta({ id: 'Overview' });

export const schedulesAnswer = z
  .object({
    items: z.array(
      z.object({
        mapping: namedMappingRef,
        schedule: z.object({ cron: z.string(), timezone: z.string() }),
        enabled: z.boolean(),
        catch_up: z.boolean(),
        next: z.array(z.string()).readonly(),
        lastRun: z.object({ execId: z.string(), status: z.string(), scheduledFor: nullableText }).nullable(),
      }),
    ),
  })
  .meta({ id: 'Schedules' });

export const unmatchedAnswer = z
  .object({
    items: z.array(
      z.object({
        key: z.string(),
        receivedAt: z.string(),
        source: z.string(),
        alertId: z.string(),
        rule: nullableText,
        monitorCondition: z.string(),
        partition: nullableText,
        links: z.object({ dryRun: link.nullable() }),
      }),
    ),
  })
  .meta({ id: 'UnmatchedAlerts' });
