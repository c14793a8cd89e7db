// The document's console paths: me, mappings, overview, schedules, unmatched alerts, audit, health, metrics and the
// files.
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { auditFilter, auditPage } from './audit';
import {
  mappingDetail,
  mappingPathParams,
  mappingsAnswer,
  meAnswer,
  OVERVIEW_QUERY,
  overviewAnswer,
} from './console-reads';
import { schedulesAnswer, UNMATCHED_QUERY, unmatchedAnswer, unmatchedKey } from './console-reads';
import { healthAnswer } from './health';
import { ANONYMOUS, errors, GUARDED, json, PEOPLE } from './operation';
import { payloadPreview } from './trigger';

const read = (summary: string, answer: z.ZodType, query: z.ZodRawShape = {}, more: number[] = []) => ({
  get: {
    summary,
    requestParams: { query: z.object(query) },
    responses: { '200': json(summary, answer), ...errors(...GUARDED, ...more) },
    security: PEOPLE,
  },
});

const file = {
  get: {
    summary: "The browser console's files (its data comes from this API)",
    requestParams: { path: z.object({ path: z.string() }) },
    responses: {
      '200': { description: 'The file.', content: { '*/*': { schema: z.string() } } },
      '304': { description: 'Not modified (If-None-Match).' },
      ...errors(404),
    },
    security: ANONYMOUS,
  },
};

export const CONSOLE_PATHS: ZodOpenApiPathsObject = {
  '/me': read('Who the caller is, and what it may do', meAnswer),
  '/mappings': read('Every mapping, as the console shows it', mappingsAnswer),
  '/mappings/{partition}/{id}': {
    get: {
      summary: 'One mapping, with its budget and concurrency slots now',
      requestParams: { path: mappingPathParams, query: z.object({}) },
      responses: { '200': json('The mapping.', mappingDetail), ...errors(...GUARDED, 404) },
      security: PEOPLE,
    },
  },
  '/overview': read('The last hours at a glance', overviewAnswer, OVERVIEW_QUERY),
  '/schedules': read('Scheduled mappings, their next slots and last run', schedulesAnswer),
  '/alerts/unmatched': read('Alerts no mapping claimed, newest first', unmatchedAnswer, UNMATCHED_QUERY),
  '/alerts/unmatched/{key}/dry-run': {
    post: {
      summary: "What today's mappings would do with an alert nobody claimed; records nothing",
      requestParams: { path: z.object({ key: unmatchedKey }), query: z.object({}) },
      responses: { '200': json('The dry run.', payloadPreview), ...errors(...GUARDED, 404) },
      security: PEOPLE,
    },
  },
  '/audit': read('The audit trail, newest first (Admins all, others their own)', auditPage, auditFilter.shape),
  '/health': {
    get: {
      summary: 'Whether ClouDO reaches its tables and queues',
      requestParams: { query: z.object({}) },
      responses: {
        ...errors(400),
        '200': json('Storage reachable.', healthAnswer),
        '503': {
          description: 'A part is unavailable.',
          headers: z.object({ 'Retry-After': z.string() }),
          content: { 'application/json': { schema: healthAnswer } },
        },
      },
      security: ANONYMOUS,
    },
  },
  '/console': {
    get: {
      summary: 'The console is a folder',
      responses: { '308': { description: 'Redirect to /api/console/.' }, ...errors() },
      security: ANONYMOUS,
    },
  },
  '/console/': { get: { ...file.get, requestParams: {} } },
  '/console/{path}': file,
  '/metrics': {
    get: {
      summary: 'Every ClouDO metric in Prometheus text (Admins; only with CLOUDO_METRICS_ENDPOINT=on)',
      requestParams: { query: z.object({}) },
      responses: {
        '200': {
          description: 'Prometheus text exposition format 0.0.4.',
          content: { 'text/plain': { schema: z.string() } },
        },
        ...errors(...GUARDED, 404),
      },
      security: PEOPLE,
    },
  },
  '/openapi.json': {
    get: {
      summary: 'This document: OpenAPI 3.1, generated from the schemas the handlers validate with',
      requestParams: { query: z.object({}) },
      responses: { '200': json('The document.', z.looseObject({ openapi: z.string() })), ...errors(400) },
      security: ANONYMOUS,
    },
  },
};
