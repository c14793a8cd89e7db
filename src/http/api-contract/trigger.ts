// The Trigger contract: /api/Trigger and /api/runs queries and bodies, and what a run, an alert or a dry run answers.
import { z } from 'zod';
import { partitionKeySchema } from '../../domain/mappings/mapping-schema';
import { alertContext } from './executions';
import { concurrencyPreview, executionStatus, link, mappingRef, stringMap } from './common';

export const TRIGGER_QUERY = {
  id: z.string().optional().meta({ description: 'The mapping id: a manual run of that mapping.' }),
  dry_run: z
    .enum(['true', 'false', '1', '0', ''], 'must be true or false')
    .optional()
    .meta({ description: 'Say what would happen; record and run nothing.' }),
};

export const partitionParam = z.object({
  partition: partitionKeySchema.meta({
    description: "Look the mapping up in this partition (its file's partition_key).",
  }),
});

/** A manual request's body holds its parameters and nothing else: a field ClouDO would ignore is a 400 instead. */
export const runBody = z
  .strictObject({ params: z.record(z.string(), z.unknown()).optional() })
  .meta({ id: 'RunRequest', description: 'The parameters of a mapping that declares them.' });

export const idempotencyHeader = z.object({
  'Idempotency-Key': z.string().optional().meta({ description: '1-255 visible ASCII characters: a retry runs once.' }),
});

/** The mapping as its file spells it (every field of it; see docs/mappings.md). */
const mappingView = z
  .looseObject({ partition_key: z.string(), id: z.string(), name: z.string() })
  .meta({ id: 'Mapping' });

export const runAnswer = z
  .object({
    execId: z.string(),
    status: executionStatus,
    duplicate: z.boolean(),
    reason: z.string().optional(),
    expiresAt: z.string().optional(),
    mapping: mappingView,
    links: z.object({ self: link, approve: link.optional(), reject: link.optional() }),
  })
  .meta({ id: 'RunAnswer' });

export const alertRunView = z.object({
  execId: z.string(),
  status: executionStatus,
  mapping: mappingRef,
  duplicate: z.boolean(),
  reason: z.string().optional(),
  approvals: z.object({ approve: link, reject: link }).optional(),
  links: z.object({ self: link }),
});
export type AlertRunView = z.output<typeof alertRunView>;

export const alertsAnswer = z
  .object({ alerts: z.number().int(), matched: z.number().int(), executions: z.array(alertRunView) })
  .meta({ id: 'AlertsAnswer' });

export const runPreview = z
  .object({
    dryRun: z.literal(true),
    mapping: mappingView,
    wouldBe: z.enum(['queued', 'pending_approval', 'refused']),
    reasons: z.array(z.string()).readonly(),
    params: stringMap,
    inherited: z.array(z.string()).readonly(),
    environment: stringMap,
    nextScheduled: z.array(z.string()).readonly().optional(),
    concurrency: concurrencyPreview.optional(),
  })
  .meta({ id: 'RunPreview' });

/** What a dry run of an alert delivery answers: for each alert, what each mapping would do with it. */
export const payloadPreview = z
  .object({
    dryRun: z.literal(true),
    inherited: z.array(z.string()).readonly(),
    alerts: z.array(
      z.object({
        alert: alertContext,
        mappings: z.array(
          z.object({
            mapping: mappingRef.extend({ runbook: z.string() }),
            claimed: z.boolean(),
            wouldRun: z.boolean(),
            approvalRequired: z.boolean(),
            disabled: z.boolean(),
            reasons: z.array(z.string()).readonly(),
            environment: stringMap.optional(),
            concurrency: concurrencyPreview.optional(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'AlertsPreview' });

/** An alert webhook body (Azure Monitor common schema, Alertmanager): ClouDO reads what it knows, and keeps it. */
export const alertBody = z
  .record(z.string(), z.unknown())
  .meta({ id: 'AlertPayload', description: 'An Azure Monitor (common alert schema) or Alertmanager webhook body.' });
