// Audit function: GET /api/audit lists the audit trail newest first, paged; Admins see all, others their own.
import type { HttpFunctionOptions } from '@azure/functions';
import { z } from 'zod';
import type { Provide } from '../src/composition/service-groups';
import { AUDIT_ACTIONS } from '../src/domain/audit/audit-record';
import { isExecId } from '../src/domain/runs/exec-id';
import { auditPath } from '../src/domain/shared/api-paths';
import { badRequest } from '../src/domain/shared/errors';
import { decimalDigits, wholeNumber } from '../src/domain/shared/whole-number';
import { instant } from '../src/http/execution-filter';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';

const text = z.string().optional();
const QUERY = {
  since: text,
  until: text,
  actor: text,
  action: text,
  mapping: text,
  limit: decimalDigits.optional(),
  continuation: text,
};

const filterSchema = z.object({
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

export function defineAuditFunction(services: Provide<'audit'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'audit',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request, _log, caller) => {
      const given = Object.fromEntries(
        Object.entries(parseQuery(request, QUERY)).filter((e): e is [string, string] => e[1] !== undefined),
      );
      const parsed = filterSchema.safeParse(given);
      if (!parsed.success) {
        const field = String(parsed.error.issues[0]?.path[0] ?? 'query');
        throw badRequest(field, `Invalid ${field}: ${parsed.error.issues[0]?.message}`);
      }
      const f = parsed.data;
      if (f.since && f.until && f.since > f.until) throw badRequest('since', 'Invalid since: later than until.');
      const page = await services().read(caller, {
        limit: f.limit,
        ...(f.since ? { since: f.since } : {}),
        ...(f.until ? { until: f.until } : {}),
        ...(f.actor ? { actorId: f.actor } : {}),
        ...(f.action ? { action: f.action } : {}),
        ...(f.mapping ? { mapping: f.mapping } : {}),
        ...(f.continuation ? { afterId: f.continuation } : {}),
      });
      const next = page.lastId ? auditPath({ ...given, continuation: page.lastId }) : null;
      return { status: 200, jsonBody: { items: page.items, links: { next } } };
    }),
  };
}
