// Execution filters from a query string: what /api/logs?status=…&since=… asks for, checked value by value.
import { z } from 'zod';
import { badRequest } from '../domain/shared/errors';
import { mappingKeySchema } from '../domain/mappings/mapping-schema';
import {
  EXECUTION_STATUSES,
  TRIGGER_KINDS,
  type ExecutionStatus,
  type TriggerKind,
} from '../domain/runs/execution-status';
import { wholeNumber } from '../domain/shared/whole-number';
import { DEFAULT_LIMIT, MAX_LIMIT, type ExecutionFilter } from '../services/runs/query-executions';

// Execution row keys count milliseconds between 1970 and 2286; outside that the key order breaks.
export const instant = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() < 2286, 'must be between 1970 and 2285');

/** The values /api/logs takes, as checked (the OpenAPI document describes its parameters with it too). */
export const executionFilterSchema = z.object({
  status: z.enum(EXECUTION_STATUSES as [ExecutionStatus, ...ExecutionStatus[]]).optional(),
  mapping: mappingKeySchema.optional(),
  trigger: z.enum(TRIGGER_KINDS as [TriggerKind, ...TriggerKind[]]).optional(),
  rule: z.string().min(1).max(512).optional(),
  since: instant.optional(),
  until: instant.optional(),
  limit: wholeNumber(1, MAX_LIMIT).default(DEFAULT_LIMIT),
  continuation: z.string().max(200).optional(),
});

/** The filter the given parameters ask for; throws bad_request naming the first parameter at fault. */
export function parseExecutionFilter(params: Readonly<Record<string, string>>): ExecutionFilter {
  const parsed = executionFilterSchema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badRequest(String(issue?.path[0] ?? 'query'), `Invalid ${String(issue?.path[0])}: ${issue?.message}`);
}
