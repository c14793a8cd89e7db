// Intake function: run requests dropped on the intake queue, handled exactly as /api/Trigger handles them.
import type { InvocationContext, StorageQueueFunctionOptions } from '@azure/functions';
import { contextLogger } from '../src/http/request-log';
import type { ServicesProvider } from './register';

export function intakeFunction(
  services: ServicesProvider,
  queueName: string,
  connection: string,
): StorageQueueFunctionOptions {
  return {
    queueName,
    connection,
    // Rejected requests are recorded and consumed; a throw (storage down) is retried, then poisoned by the host.
    handler: async (message: unknown, context: InvocationContext) => {
      const messageId = String(context.triggerMetadata?.['id'] ?? context.invocationId);
      await services().handleIntakeMessage({ queueName, messageId, body: message }, contextLogger(context));
    },
  };
}
