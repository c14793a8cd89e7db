// Output function: GET /api/logs/{execId}/output?offset=N follows a run's output, as JSON pieces or server-sent events.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { streamOutputEvents } from '../src/http/output-events';
import { parseQuery } from '../src/http/query-params';
import { OUTPUT_QUERY } from '../src/http/api-contract/executions';
import type { Answer } from '../src/http/api-contract/common';
import type { outputSlice } from '../src/http/api-contract/executions';

export function defineOutputFunction(services: Provide<'executions'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'read');
  return {
    route: 'logs/{execId}/output',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request) => {
      const execId = request.params['execId'] ?? '';
      const offset = readOffset(request);
      // Checked before a stream starts: an unknown run is a 404, not an empty stream.
      const first = await services().readOutput(execId, offset);
      if (!wantsEvents(request)) return { status: 200, jsonBody: first satisfies Answer<typeof outputSlice> };
      return {
        status: 200,
        headers: {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-cache, no-transform',
          'X-Content-Type-Options': 'nosniff',
          // Proxies that buffer (nginx) would hold the events back until the run ends.
          'X-Accel-Buffering': 'no',
        },
        body: streamOutputEvents((at) => services().readOutput(execId, at), offset),
      } satisfies HttpResponseInit;
    }),
  };
}

// A reconnecting EventSource says where it was in Last-Event-ID, which wins over the offset in its URL.
function readOffset(request: HttpRequest): number {
  const { offset } = parseQuery(request, OUTPUT_QUERY);
  const last = request.headers.get('last-event-id');
  if (last !== null && /^[0-9]{1,15}$/.test(last.trim())) return Number(last.trim());
  return offset === undefined ? 0 : Number(offset);
}

const wantsEvents = (request: HttpRequest): boolean =>
  /\btext\/event-stream\b/i.test(request.headers.get('accept') ?? '');
