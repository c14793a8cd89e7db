// Worker function: a queue trigger per worker pool; runs the execution its message names.
import type { StorageQueueFunctionOptions } from '@azure/functions';
import { queueFunction } from './queue-function';
import type { Provide } from '../src/composition/service-groups';

export function defineWorkerFunction(
  services: Provide<'worker'>,
  queueName: string,
  connection: string,
): StorageQueueFunctionOptions {
  return queueFunction(queueName, connection, (msg, log) => services().handleRunMessage(msg, log));
}
