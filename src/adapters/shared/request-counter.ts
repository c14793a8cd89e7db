// Storage traffic meter: how many requests a Table client sends and how many entities come back, per operation.
import type { TableServiceClientOptions } from '@azure/data-tables';

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

export type RequestCounter = { requests: number; entities: number; policy: PipelinePolicy; reset(): void };

export function createRequestCounter(): RequestCounter {
  const counter: RequestCounter = {
    requests: 0,
    entities: 0,
    reset: () => {
      counter.requests = 0;
      counter.entities = 0;
    },
    policy: {
      name: 'countRequests',
      sendRequest: async (request, next) => {
        const response = await next(request);
        counter.requests += 1;
        counter.entities += countEntities(response.bodyAsText);
        return response;
      },
    },
  };
  return counter;
}

function countEntities(body: string | null | undefined): number {
  if (!body) return 0;
  try {
    const parsed = JSON.parse(body) as { value?: unknown };
    return Array.isArray(parsed.value) ? parsed.value.length : 1;
  } catch {
    return 0;
  }
}
