// The audit contract: GET /api/audit's query, as given and as checked, and a page of the trail.
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../domain/audit/audit-record';
import { isExecId } from '../../domain/runs/exec-id';
import { decimalDigits, wholeNumber } from '../../domain/shared/whole-number';
import { instant } from '../execution-filter';
import { actor, link, nullableText } from './common';

const text = z.string().optional();
export const AUDIT_QUERY = {
  since: text,
  until: text,
  actor: text,
  action: text,
  mapping: text,
  limit: decimalDigits.optional(),
  continuation: text,
};

export const auditFilter = z.object({
  since: instant.optional(),
  until: instant.optional(),
  actor: z.string().min(1).max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  mapping: z
    .string()
    .regex(/^[^/]{1,64}\/[^/]{1,128}$/, 'partition/id')
    .optional(),
  limit: wholeNumber(1, 200).default(50),
  continuation: z.string().refine(isExecId, 'a token from the previous page').optional(),
});

export const auditRecord = z
  .object({
    id: z.string(),
    at: z.string(),
    actor,
    action: z.enum(AUDIT_ACTIONS),
    execId: nullableText,
    mapping: nullableText,
    outcome: z.string(),
    detail: z.record(z.string(), z.unknown()),
    clientIp: nullableText,
    requestId: nullableText,
  })
  .meta({ id: 'AuditRecord' });

export const auditPage = z
  .object({ items: z.array(auditRecord), links: z.object({ next: link.nullable() }) })
  .meta({ id: 'AuditPage' });
