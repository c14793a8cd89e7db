// Health function: GET /api/health says whether ClouDO can reach its tables and its queues; 503 naming what cannot.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit } from '@azure/functions';
import { createHttpHandler } from '../src/http/http-handler';
import { parseQuery } from '../src/http/query-params';
import type { HealthReport } from '../src/services/health/check-health';
import type { Logger } from '../src/services/shared/ports';
import type { Provide } from '../src/composition/service-groups';
import type { Answer } from '../src/http/api-contract/common';
import type { healthAnswer } from '../src/http/api-contract/health';

type Health = Answer<typeof healthAnswer>;

export function defineHealthFunction(services: Provide<'health'>): HttpFunctionOptions {
  return {
    route: 'health',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: createHttpHandler((request, log) => handleHealth(services, request, log)),
  };
}

async function handleHealth(services: Provide<'health'>, request: HttpRequest, log: Logger): Promise<HttpResponseInit> {
  parseQuery(request, {});
  const { tables, queues, problems } = await report(services);
  // `storage` predates the split: still "ok" only when every part is.
  const storage = tables === 'ok' && queues === 'ok' ? 'ok' : 'unavailable';
  if (storage === 'ok') return { status: 200, jsonBody: { status: 'ok', storage, tables, queues } satisfies Health };
  log.warn(`health: storage check failed: ${problems.join('; ')}`);
  return {
    status: 503,
    headers: { 'Retry-After': '5' },
    jsonBody: { status: 'unavailable', storage, tables, queues } satisfies Health,
  };
}

// Building the services can fail too (e.g. identity settings): then no part is known to answer.
async function report(services: Provide<'health'>): Promise<HealthReport> {
  try {
    return await services().check();
  } catch (err) {
    return { tables: 'unavailable', queues: 'unavailable', problems: [String(err)] };
  }
}
