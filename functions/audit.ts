// Audit function: GET /api/audit lists the audit trail newest first, paged; Admins see all, others their own.
import type { HttpFunctionOptions } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import { auditPath } from '../src/domain/shared/api-paths';
import { badRequest } from '../src/domain/shared/errors';
import { AUDIT_QUERY, auditFilter } from '../src/http/api-contract/audit';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';
import type { Answer } from '../src/http/api-contract/common';
import type { auditPage } from '../src/http/api-contract/audit';

export function defineAuditFunction(services: Provide<'audit'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'audit',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request, _log, caller) => {
      const given = Object.fromEntries(
        Object.entries(parseQuery(request, AUDIT_QUERY)).filter((e): e is [string, string] => e[1] !== undefined),
      );
      const parsed = auditFilter.safeParse(given);
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
      return { status: 200, jsonBody: { items: page.items, links: { next } } satisfies Answer<typeof auditPage> };
    }),
  };
}
