// Logs function: GET /api/logs lists executions newest first; GET /api/logs/{execId} returns one with its output.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { badRequest } from '../src/domain/errors';
import { errorResponse } from '../src/http/error-response';
import { contextLogger } from '../src/http/request-log';
import { API_PREFIX, executionDetail, executionSummary } from '../src/http/views';
import type { ServicesProvider } from './register';

const LIST_PARAMS = ['status', 'mapping', 'trigger', 'rule', 'since', 'until', 'limit', 'continuation'];
// The Functions host passes the function key through as `code`; it is neither a filter nor to be echoed in links.
const HOST_PARAMS = ['code'];

export function logsFunction(services: ServicesProvider): HttpFunctionOptions {
  return {
    route: 'logs/{execId?}',
    methods: ['GET'],
    authLevel: 'function',
    handler: (request, context) => handleLogs(services, request, context),
  };
}

async function handleLogs(
  services: ServicesProvider,
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const execId = request.params['execId'];
    return execId ? await one(services, execId, request.query.get('format')) : await list(services, request);
  } catch (err) {
    return errorResponse(err, contextLogger(context));
  }
}

async function one(services: ServicesProvider, execId: string, format: string | null): Promise<HttpResponseInit> {
  if (format !== null && format !== 'json' && format !== 'text')
    throw badRequest('format', 'format must be "json" or "text".');
  const execution = await services().getExecution(execId);
  if (format === 'text') {
    // Runbook output is untrusted text: never let a browser sniff it into HTML.
    const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
    return { status: 200, headers, body: execution.output ?? '' };
  }
  return { status: 200, jsonBody: executionDetail(execution) };
}

async function list(services: ServicesProvider, request: HttpRequest): Promise<HttpResponseInit> {
  const params: Record<string, string> = {};
  for (const [key, value] of request.query.entries()) {
    if (HOST_PARAMS.includes(key)) continue;
    if (!LIST_PARAMS.includes(key)) throw badRequest(key, `Unknown parameter "${key}"; use ${LIST_PARAMS.join(', ')}.`);
    params[key] = value;
  }
  const page = await services().listExecutions(params);
  const next = page.continuation ? nextLink(params, page.continuation) : null;
  return {
    status: 200,
    jsonBody: { items: page.items.map(executionSummary), continuation: page.continuation ?? null, links: { next } },
  };
}

function nextLink(params: Record<string, string>, continuation: string): string {
  const query = new URLSearchParams({ ...params, continuation });
  return `${API_PREFIX}/logs?${query.toString()}`;
}
