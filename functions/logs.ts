// Logs function: GET /api/logs lists executions newest first; GET /api/logs/{execId} returns one with its output.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit } from '@azure/functions';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseExecutionFilter } from '../src/http/execution-filter';
import { parseQuery } from '../src/http/query-params';
import { executionsPath } from '../src/domain/shared/api-paths';
import { LIST_QUERY, ONE_QUERY } from '../src/http/api-contract/executions';
import { toExecutionDetail, toExecutionSummary } from '../src/http/views';
import type { Provide } from '../src/composition/service-groups';
import type { Answer } from '../src/http/api-contract/common';
import type { executionsPage } from '../src/http/api-contract/executions';

export function defineLogsFunction(services: Provide<'executions'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'logs/{execId?}',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, (request) => {
      const execId = request.params['execId'];
      return execId ? one(services, execId, parseQuery(request, ONE_QUERY).format) : list(services, request);
    }),
  };
}

async function one(services: Provide<'executions'>, execId: string, format?: string): Promise<HttpResponseInit> {
  const execution = await services().get(execId);
  // While it runs, the output so far comes from the live log; once over, the record holds it.
  const output = execution.status === 'running' ? await services().outputSoFar(execId) : (execution.output ?? null);
  if (format === 'text') {
    // Runbook output is untrusted text: never let a browser sniff it into HTML.
    const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
    return { status: 200, headers, body: output ?? '' };
  }
  const withOutput = { ...execution, ...(output === null ? {} : { output }) };
  return { status: 200, jsonBody: toExecutionDetail(withOutput, services().approvalLinks(execution)) };
}

async function list(services: Provide<'executions'>, request: HttpRequest): Promise<HttpResponseInit> {
  // Only what was given, as given: it is echoed into the next page's link (never `code`, which the parser drops).
  const params = Object.fromEntries(
    Object.entries(parseQuery(request, LIST_QUERY)).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const page = await services().list(parseExecutionFilter(params));
  const next = page.continuation ? executionsPath({ ...params, continuation: page.continuation }) : null;
  return {
    status: 200,
    jsonBody: {
      items: page.items.map(toExecutionSummary),
      continuation: page.continuation ?? null,
      links: { next },
    } satisfies Answer<typeof executionsPage>,
  };
}
