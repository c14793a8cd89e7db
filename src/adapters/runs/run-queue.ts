// Run queue: puts run messages on the worker pool's Storage Queue, base64-encoded as the Functions host expects,
// and reads back what its poison queue holds.
import type { QueueServiceClient } from '@azure/storage-queue';
import { context, propagation } from '@opentelemetry/api';
import { queueNameForPool, type RunMessage } from '../../domain/runs/run-message';
import type { RunQueue } from '../../services/runs/ports';
import { isNotFound, allowMissing, callStorage } from '../shared/storage-errors';
import { decodeBase64, decodeMessageBody } from '../shared/text-codecs';

export function createRunQueue(service: QueueServiceClient, prefix: string): RunQueue {
  const created = new Set<string>();
  const send = (queueName: string, text: string) =>
    callStorage(async () => {
      const queue = service.getQueueClient(queueName);
      const wire = Buffer.from(text, 'utf8').toString('base64');
      // Creating once per process keeps the hot path to a single request.
      if (!created.has(queueName)) {
        await queue.createIfNotExists();
        created.add(queueName);
      }
      try {
        await queue.sendMessage(wire);
      } catch (err) {
        // Deleted since (by a person, or by storage that came back without it): create it again, once.
        if (!isNotFound(err)) throw err;
        await queue.createIfNotExists();
        await queue.sendMessage(wire);
      }
    });
  return {
    enqueue: (worker, message: RunMessage) =>
      send(queueNameForPool(prefix, worker), JSON.stringify(withTraceContext(message))),
    sendToPoison: (queueName, rawText) => send(`${queueName}-poison`, rawText),
    takePoisoned: (worker, max, hideSeconds) =>
      callStorage(async () => {
        const poison = service.getQueueClient(`${queueNameForPool(prefix, worker)}-poison`);
        const received = await allowMissing(
          poison.receiveMessages({ numberOfMessages: Math.min(max, MAX_RECEIVE), visibilityTimeout: hideSeconds }),
        );
        return (received?.receivedMessageItems ?? []).map((m) => ({
          // The wire is base64 (as the Functions host reads it), and a message ClouDO sent is JSON inside.
          body: decodeMessageBody(decodeBase64(m.messageText) ?? m.messageText),
          remove: () => callStorage(() => poison.deleteMessage(m.messageId, m.popReceipt)).then(() => undefined),
        }));
      }),
    depth: (worker) =>
      callStorage(async () => {
        const queue = service.getQueueClient(queueNameForPool(prefix, worker));
        return (await allowMissing(queue.getProperties()))?.approximateMessagesCount ?? 0;
      }),
  };
}

// The most one receive call may ask for.
const MAX_RECEIVE = 32;

// The run continues the trace of the request that queued it (see functions/queue-function.ts).
function withTraceContext(message: RunMessage): RunMessage {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? { ...message, traceparent: carrier.traceparent } : message;
}
