// Intake function: run requests dropped on the intake queue, handled exactly as /api/Trigger handles them.
import type { StorageQueueFunctionOptions } from '@azure/functions';
import { queueFunction } from './queue-function';
import { decodeMessageBody } from '../src/adapters/shared/text-codecs';
import type { Provide } from '../src/composition/service-groups';

// Rejected requests are recorded and consumed; a throw (storage down) is retried, then poisoned by the host.
export function defineIntakeFunction(
  services: Provide<'intake'>,
  queueName: string,
  connection: string,
): StorageQueueFunctionOptions {
  return queueFunction(queueName, connection, (msg, log) =>
    services().handleMessage({ ...msg, body: decodeMessageBody(msg.body) }, log),
  );
}
