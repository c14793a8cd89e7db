// Worker function: a queue trigger per worker pool; runs the execution its message names.
import type { InvocationContext, StorageQueueFunctionOptions } from '@azure/functions';
import { contextLogger } from '../src/http/request-log';
import type { ServicesProvider } from './register';

export function workerFunction(
  services: ServicesProvider,
  queueName: string,
  connection: string,
): StorageQueueFunctionOptions {
  return {
    queueName,
    connection,
    // A throw (storage down) leaves the message for the host to retry and, after maxDequeueCount, to poison.
    handler: async (message: unknown, context: InvocationContext) => {
      const messageId = String(context.triggerMetadata?.['id'] ?? context.invocationId);
      await services().handleRunMessage({ queueName, messageId, body: message }, contextLogger(context));
    },
  };
}
