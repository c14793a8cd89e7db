// Uncertain writes: whether a storage request that failed may still have reached storage, watched try by try.
import type { TableServiceClientOptions } from '@azure/data-tables';

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

// Failures before a single byte reached storage: the request was certainly not applied.
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

// The client retries with the same request object: one of its tries may have landed although the last was refused.
const reached = new WeakSet<object>();

/**
 * Notes every try that storage may have applied: a lost answer (reset, timeout) or a server error. The retry that
 * follows may then be refused outright, and its error alone would wrongly say nothing was written.
 */
export const watchDelivery: PipelinePolicy = {
  name: 'cloudoWatchDelivery',
  sendRequest: async (request, next) => {
    try {
      const response = await next(request);
      if (response.status >= 500) reached.add(request);
      return response;
    } catch (err) {
      if (!NEVER_SENT.has(String((err as { code?: unknown }).code))) reached.add(request);
      throw err;
    }
  },
};

/** Whether a failed storage call may have been applied; an error without its request cannot tell, so it may. */
export function mayHaveLanded(err: unknown): boolean {
  const request = (err as { request?: unknown } | null)?.request;
  return typeof request !== 'object' || request === null || reached.has(request);
}
