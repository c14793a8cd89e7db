// Queue functions: a storage-queue trigger handing each message, with its id, to a service handler, in a span that
// continues the trace of whoever enqueued it.
import type { InvocationContext, StorageQueueFunctionOptions } from '@azure/functions';
import { context as otelContext, propagation, SpanKind, trace, type Link } from '@opentelemetry/api';
import { createContextLogger } from '../src/http/request-log';
import type { DeliveredMessage } from '../src/services/worker/handle-run-message';
import type { Logger } from '../src/services/shared/ports';

export type MessageHandler = (msg: DeliveredMessage, log: Logger) => Promise<unknown>;

export function queueFunction(
  queueName: string,
  connection: string,
  handle: MessageHandler,
): StorageQueueFunctionOptions {
  return {
    queueName,
    connection,
    // A throw (storage down) leaves the message for the host to retry and, after maxDequeueCount, to poison.
    handler: async (message: unknown, context: InvocationContext) => {
      const messageId = String(context.triggerMetadata?.['id'] ?? context.invocationId);
      const log = createContextLogger(context);
      const { parent, links } = traceContextOf(message);
      return trace
        .getTracer('cloudo')
        .startActiveSpan(`${context.functionName} ${queueName}`, { kind: SpanKind.CONSUMER, links }, parent, (span) =>
          handle({ queueName, messageId, body: message }, log).finally(() => span.end()),
        );
    },
  };
}

// The message's traceparent (set when the run was queued) is the parent, so a trigger and its run are one trace; the
// host's own invocation span, when there is one, is linked.
function traceContextOf(message: unknown): { parent: ReturnType<typeof otelContext.active>; links: Link[] } {
  const active = otelContext.active();
  const carried = typeof message === 'object' && message !== null ? (message as { traceparent?: unknown }) : {};
  if (typeof carried.traceparent !== 'string') return { parent: active, links: [] };
  const host = trace.getSpanContext(active);
  return {
    parent: propagation.extract(active, { traceparent: carried.traceparent }),
    links: host ? [{ context: host }] : [],
  };
}
