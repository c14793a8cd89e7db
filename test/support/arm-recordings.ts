// Recorded ARM answers for the real MonitorClient: a fake HttpClient that serves fixtures and records each request.
import fs from 'node:fs';
import path from 'node:path';
import { createHttpHeaders, type PipelineRequest } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { ArmHttpClient } from '../../src/adapters/azure/arm-monitor';

export type RecordedRequest = {
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string | null;
  readonly authorization: string | undefined;
  readonly body: unknown;
};

export type ArmAnswer = {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
};

export type ArmRoute = {
  readonly method: string;
  /** Compared without regard to case, as ARM does. */
  readonly path: string;
  /** Served in order; the last one again for any further request. */
  readonly answers: readonly ArmAnswer[];
  /** Runs when the route answers, e.g. to make the app "receive" the alert a test notification sends. */
  readonly onRequest?: (request: RecordedRequest) => void;
};

export type FakeArm = { readonly httpClient: ArmHttpClient; readonly requests: RecordedRequest[] };

export const SUBSCRIPTION = '5f1c9a3e-8d2b-4c7a-9e61-2b0d7c4a1e93';
export const ARM = 'https://management.azure.com';
export const TOKEN = 'recorded-arm-token';

/** Hands out a fixed token, so tests see the Authorization header the pipeline builds from it. */
export const staticCredential: TokenCredential = {
  getToken: () => Promise.resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'arm');

/** A fresh copy of a recorded response body from test/fixtures/arm. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

export function fakeArm(routes: readonly ArmRoute[]): FakeArm {
  const requests: RecordedRequest[] = [];
  const served = new Map<ArmRoute, number>();
  const httpClient: ArmHttpClient = {
    sendRequest: async (request) => {
      const recorded = record(request);
      requests.push(recorded);
      const route = routes.find(
        (r) => r.method === recorded.method && r.path.toLowerCase() === recorded.path.toLowerCase(),
      );
      const count = route ? (served.get(route) ?? 0) : 0;
      if (route) served.set(route, count + 1);
      route?.onRequest?.(recorded);
      const answer = route?.answers[Math.min(count, route.answers.length - 1)] ?? unexpected(recorded);
      const headers = createHttpHeaders({ 'content-type': 'application/json; charset=utf-8', ...answer.headers });
      const bodyAsText = answer.body === undefined ? '' : JSON.stringify(answer.body);
      return { request, status: answer.status, headers, bodyAsText };
    },
  };
  return { httpClient, requests };
}

function record(request: PipelineRequest): RecordedRequest {
  const url = new URL(request.url);
  const text = typeof request.body === 'string' ? request.body : undefined;
  return {
    method: request.method,
    path: decodeURIComponent(url.pathname),
    apiVersion: url.searchParams.get('api-version'),
    authorization: request.headers.get('authorization'),
    body: text === undefined || text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

function unexpected(r: RecordedRequest): ArmAnswer {
  return {
    status: 400,
    body: { error: { code: 'UnexpectedRequest', message: `no recording for ${r.method} ${r.path}` } },
  };
}
