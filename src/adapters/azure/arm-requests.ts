// Raw ARM requests through the monitor client's pipeline (same credential, same HTTP client), and ARM errors.
import { isObject } from '../../domain/alerts/alert-fields';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';

export type ArmSend = (request: PipelineRequest) => Promise<PipelineResponse>;
export type ArmMethod = 'GET' | 'PUT' | 'PATCH' | 'POST';
export type ArmReply = {
  readonly status: number;
  readonly location: string | undefined;
  /** Seconds, from Retry-After. */
  readonly retryAfter: number | undefined;
  readonly body: unknown;
};

export const ARM_ENDPOINT = 'https://management.azure.com';

export class ArmError extends Error {
  override readonly name = 'ArmError';
  constructor(
    readonly status: number | undefined,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** `path` is an ARM resource path; its segments must already be encoded. */
export function buildArmRequest(
  send: ArmSend,
  method: ArmMethod,
  path: string,
  apiVersion: string,
  body?: unknown,
): Promise<ArmReply> {
  const url = new URL(path, ARM_ENDPOINT);
  url.searchParams.set('api-version', apiVersion);
  return armFetch(send, method, url.toString(), body);
}

async function armFetch(send: ArmSend, method: ArmMethod, url: string, body?: unknown): Promise<ArmReply> {
  const headers = createHttpHeaders({ accept: 'application/json' });
  if (body !== undefined) headers.set('content-type', 'application/json');
  const request = createPipelineRequest({
    url,
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const response = await callArm(() => send(request));
  const parsed = parseJson(response.bodyAsText ?? undefined);
  if (response.status >= 400) throw toArmError(response.status, parsed, `${method} ${new URL(url).pathname}`);
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  return {
    status: response.status,
    location: response.headers.get('location'),
    retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
    body: parsed,
  };
}

/**
 * Follows a `202 Accepted` + `Location` long-running operation until the location answers with anything but 202.
 * `delayMs` overrides the server's Retry-After (tests); otherwise Retry-After is honoured within 1-10 seconds.
 */
export async function followLocation(
  send: ArmSend,
  accepted: ArmReply,
  opts: { readonly delayMs?: number | undefined; readonly maxPolls: number },
): Promise<ArmReply> {
  let reply = accepted;
  for (let poll = 0; reply.status === 202 && reply.location !== undefined; poll++) {
    if (poll >= opts.maxPolls) throw new ArmError(202, 'PollingTimeout', `Azure did not finish after ${poll} polls.`);
    await sleep(opts.delayMs ?? Math.min(Math.max(reply.retryAfter ?? 2, 1), 10) * 1000);
    const next: ArmReply = await armFetch(send, 'GET', new URL(reply.location, ARM_ENDPOINT).toString());
    // A status answer carries no Location of its own: keep polling the one we were given.
    reply = { ...next, location: next.location ?? reply.location };
  }
  return reply;
}

/** Turns the SDK's RestError into an ArmError whose message names the ARM error code. */
export async function callArm<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isRestError(err) || err.statusCode === undefined) throw err;
    const body = parseJson(err.response?.bodyAsText ?? '');
    const where = err.request ? `${err.request.method} ${new URL(err.request.url).pathname}` : 'Azure request';
    throw toArmError(err.statusCode, body, where, err.message);
  }
}

function toArmError(status: number, body: unknown, where: string, fallback?: string): ArmError {
  const error = isObject(body) && isObject(body['error']) ? body['error'] : {};
  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  const message = typeof error['message'] === 'string' ? error['message'] : (fallback ?? `HTTP ${status}`);
  return new ArmError(status, code, `${where}: ${status}${code ? ` ${code}` : ''}: ${message}`);
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
