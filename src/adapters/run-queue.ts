// Run queue: puts run messages on the worker pool's Storage Queue, base64-encoded as the Functions host expects.
import type { QueueServiceClient } from '@azure/storage-queue';
import { queueNameForPool, type RunMessage } from '../domain/run-message';
import type { RunQueue } from '../services/ports';
import { storageCall } from './storage-errors';

export function createRunQueue(service: QueueServiceClient, prefix: string): RunQueue {
  const created = new Set<string>();
  const send = (queueName: string, text: string) =>
    storageCall(async () => {
      const queue = service.getQueueClient(queueName);
      // Creating once per process keeps the hot path to a single request.
      if (!created.has(queueName)) {
        await queue.createIfNotExists();
        created.add(queueName);
      }
      await queue.sendMessage(Buffer.from(text, 'utf8').toString('base64'));
    });
  return {
    enqueue: (worker, message: RunMessage) => send(queueNameForPool(prefix, worker), JSON.stringify(message)),
    sendToPoison: (queueName, rawText) => send(`${queueName}-poison`, rawText),
  };
}
