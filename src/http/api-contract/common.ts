// Shared pieces of the API contract: the error body, links, mapping references and the statuses every answer uses.
import { z } from 'zod';
import {
  EXECUTION_STATUSES,
  TRIGGER_KINDS,
  type ExecutionStatus,
  type TriggerKind,
} from '../../domain/runs/execution-status';
import type { ErrorCode } from '../../domain/shared/errors';

const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'gone',
  'unprocessable',
  'payload_too_large',
  'unsupported_media_type',
  'storage_unavailable',
  'busy',
  'overloaded',
  'internal',
] as const satisfies readonly ErrorCode[];

/** Every error answer: a code, a message for people, and the field at fault when one is. */
export const errorBody = z
  .object({
    error: z.looseObject({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      field: z.string().optional().meta({ description: 'The input at fault: a parameter, a body field or a header.' }),
    }),
  })
  .meta({ id: 'Error', description: 'What went wrong, and the field at fault.' });

// The literal types are kept, so clients typed from the contract (the console) get the unions, not strings.
export const executionStatus = z
  .enum(EXECUTION_STATUSES as readonly ExecutionStatus[] as [ExecutionStatus, ...ExecutionStatus[]])
  .meta({ id: 'ExecutionStatus' });
export const triggerKind = z
  .enum(TRIGGER_KINDS as readonly TriggerKind[] as [TriggerKind, ...TriggerKind[]])
  .meta({ id: 'TriggerKind' });

export const instantText = z.string().meta({ format: 'date-time', description: 'ISO-8601 UTC' });
export const nullableText = z.string().nullable();
export const link = z.string().meta({ description: 'A path under the API, e.g. /api/logs/<execId>' });
export const stringMap = z.record(z.string(), z.string());

export const mappingRef = z.object({ partition_key: z.string(), id: z.string() });
export const namedMappingRef = mappingRef.extend({ name: z.string() }).meta({ id: 'MappingRef' });

export const actor = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(['person', 'system', 'alert', 'schedule']) })
  .meta({ id: 'Actor' });

export const concurrencyPolicy = z.object({
  limit: z.number().int(),
  per: z.enum(['mapping', 'resource']),
  on_busy: z.enum(['queue', 'skip']),
});

export const concurrencyPreview = concurrencyPolicy
  .extend({
    running: z.array(z.string()).readonly(),
    waiting: z.number().int(),
    now: z.enum(['starts', 'waits', 'skipped']),
  })
  .meta({ id: 'ConcurrencyPreview' });

/** A route's query parameters: the same zod shape parseQuery checks them with. */
export const queryOf = <S extends z.ZodRawShape>(shape: S) => z.object(shape);

/** What a handler answers for a schema of the contract: a `satisfies` check keeps code and document in step. */
export type Answer<S extends z.ZodType> = z.output<S>;
