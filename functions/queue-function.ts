// Queue functions: a storage-queue trigger handing each message, with its id, to a service handler.
import type { InvocationContext, StorageQueueFunctionOptions } from '@azure/functions';
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
      await handle({ queueName, messageId, body: message }, createContextLogger(context));
    },
  };
}
