// The document's run paths: Trigger and runs, the executions (list, one, output, cancel) and approvals.
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { executionFilterSchema } from '../execution-filter';
import { cancelBody, executionDetail, executionsPage, executionSummary, ONE_QUERY } from './executions';
import { OUTPUT_QUERY, outputSlice } from './executions';
import { APPROVAL_QUERY, approvalPathParams, decidedAnswer, nameBody } from './health';
import { ANONYMOUS, errors, GUARDED, json, KEYED, PEOPLE, type Operation } from './operation';
import { alertBody, alertsAnswer, idempotencyHeader, partitionParam, payloadPreview, runAnswer } from './trigger';
import { runBody, runPreview, TRIGGER_QUERY } from './trigger';

const execIdParam = z.object({ execId: z.string().meta({ description: 'An execution id, as Trigger answered it.' }) });
const location = { Location: z.string().meta({ description: "The execution's path: /api/logs/<execId>." }) };

function runOperation(opts: { alerts: boolean; method: 'get' | 'post'; partition: boolean }): Operation {
  const body = opts.alerts ? z.union([runBody, alertBody]) : runBody;
  const ran = {
    description: 'Recorded: queued or waiting for approval (202), or recorded and settled now, e.g. throttled (200).',
    headers: z.object(location),
    content: { 'application/json': { schema: runAnswer } },
  };
  const alertsToo = opts.alerts ? { schema: z.union([runAnswer, alertsAnswer, runPreview, payloadPreview]) } : null;
  return {
    summary: opts.alerts ? 'Run a mapping (?id=), or hand ClouDO an alert' : 'Run a mapping, as a signed-in person',
    requestParams: {
      query: z.object(TRIGGER_QUERY),
      header: idempotencyHeader,
      ...(opts.partition ? { path: partitionParam } : {}),
    },
    ...(opts.method === 'post'
      ? { requestBody: { required: false, content: { 'application/json': { schema: body } } } }
      : {}),
    responses: {
      '200': {
        description: 'A dry run; a throttled run; or an alert delivery that left no new work.',
        content: {
          'application/json': alertsToo ?? { schema: z.union([runAnswer, runPreview]) },
        },
      },
      '202': opts.alerts
        ? {
            ...ran,
            // An alert delivery names no one execution: Location comes with manual runs only.
            headers: z.object({ Location: location.Location.optional() }),
            content: { 'application/json': { schema: z.union([runAnswer, alertsAnswer]) } },
          }
        : ran,
      ...errors(...GUARDED, 404, 409, 413, 415, 422, 429),
    },
    security: opts.alerts ? KEYED : PEOPLE,
  };
}

const trigger = (partition: boolean) => ({
  get: runOperation({ alerts: true, method: 'get', partition }),
  post: runOperation({ alerts: true, method: 'post', partition }),
});

const approval = (method: 'get' | 'post'): Operation => ({
  summary: method === 'get' ? 'The approval page of a signed link' : 'Approve or reject, from the page or as JSON',
  requestParams: { path: approvalPathParams, query: z.object(APPROVAL_QUERY) },
  ...(method === 'post'
    ? {
        requestBody: {
          content: {
            'application/json': { schema: nameBody },
            'application/x-www-form-urlencoded': { schema: nameBody },
          },
        },
      }
    : {}),
  responses: {
    '200': {
      description: method === 'get' ? 'The confirmation page.' : 'Rejected (JSON), or the result page (HTML).',
      content: {
        'text/html': { schema: z.string() },
        ...(method === 'post' ? { 'application/json': { schema: decidedAnswer } } : {}),
      },
    },
    ...(method === 'post' ? { '202': json('Approved: the run is queued.', decidedAnswer) } : {}),
    ...errors(...GUARDED, 404, 409, 410, 415),
  },
  security: [...ANONYMOUS, { appServiceSignIn: [] }],
});

export const RUN_PATHS: ZodOpenApiPathsObject = {
  '/Trigger': trigger(false),
  '/Trigger/{partition}': trigger(true),
  '/runs': { post: runOperation({ alerts: false, method: 'post', partition: false }) },
  '/runs/{partition}': { post: runOperation({ alerts: false, method: 'post', partition: true }) },
  '/logs': {
    get: {
      summary: 'Executions, newest first, filtered and paged',
      // Every name of LIST_QUERY, with the values parseExecutionFilter takes.
      requestParams: { query: executionFilterSchema },
      responses: { '200': json('A page of executions.', executionsPage), ...errors(...GUARDED) },
      security: PEOPLE,
    },
  },
  '/logs/{execId}': {
    get: {
      summary: 'One execution with its output (JSON), or its output alone (?format=text)',
      requestParams: { path: execIdParam, query: z.object(ONE_QUERY) },
      responses: {
        '200': {
          description: 'The execution; with ?format=text, its output as text.',
          content: { 'application/json': { schema: executionDetail }, 'text/plain': { schema: z.string() } },
        },
        ...errors(...GUARDED, 404),
      },
      security: PEOPLE,
    },
  },
  '/logs/{execId}/output': {
    get: {
      summary: "Follow a run's output from an offset: JSON pieces, or server-sent events (Accept: text/event-stream)",
      requestParams: { path: execIdParam, query: z.object(OUTPUT_QUERY) },
      responses: {
        '200': {
          description: 'The output from the offset; events while the run goes on.',
          content: { 'application/json': { schema: outputSlice }, 'text/event-stream': { schema: z.string() } },
        },
        ...errors(...GUARDED, 404),
      },
      security: PEOPLE,
    },
  },
  '/logs/{execId}/cancel': {
    post: {
      summary: 'Stop a run: at once if it has not started, through its worker if it runs',
      requestParams: { path: execIdParam },
      requestBody: { required: false, content: { 'application/json': { schema: cancelBody } } },
      responses: {
        '200': json('Cancelled.', executionSummary),
        '202': json('Asked to stop: its worker stops it.', executionSummary),
        ...errors(...GUARDED, 404, 409, 413, 415),
      },
      security: PEOPLE,
    },
  },
  '/approvals/{execId}/{action}': { get: approval('get'), post: approval('post') },
};
