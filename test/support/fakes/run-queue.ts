// In-memory RunQueue: the messages each pool was sent, and its poison queue, named as the Storage Queue adapter names them.
import { decodeMessageBody } from '../../../src/adapters/shared/text-codecs';
import { queueNameForPool, type RunMessage } from '../../../src/domain/runs/run-message';
import type { PoisonedMessage, RunQueue } from '../../../src/services/runs/ports';

export type FakeRunQueue = RunQueue & {
  /** What was sent to `worker`'s queue, in order. */
  sent(worker: string): RunMessage[];
  /** Makes the next enqueue throw `error` (a queue outage). */
  failNextEnqueue(error: Error): void;
};

export function createFakeRunQueue(prefix = 'cloudo-'): FakeRunQueue {
  const queues = new Map<string, unknown[]>();
  let failure: Error | undefined;
  const queue = (name: string): unknown[] => queues.get(name) ?? queues.set(name, []).get(name)!;
  const poisonOf = (worker: string) => queue(`${queueNameForPool(prefix, worker)}-poison`);
  return {
    enqueue: async (worker, message) => {
      const error = failure;
      failure = undefined;
      if (error) throw error;
      queue(queueNameForPool(prefix, worker)).push(message);
    },
    sendToPoison: async (queueName, rawText) => void queue(`${queueName}-poison`).push(decodeMessageBody(rawText)),
    takePoisoned: async (worker, max): Promise<PoisonedMessage[]> => {
      const poison = poisonOf(worker);
      return poison
        .slice(0, max)
        .map((body) => ({ body, remove: async () => void poison.splice(poison.indexOf(body), 1) }));
    },
    depth: async (worker) => queue(queueNameForPool(prefix, worker)).length,
    sent: (worker) => [...queue(queueNameForPool(prefix, worker))] as RunMessage[],
    failNextEnqueue: (error) => void (failure = error),
  };
}
