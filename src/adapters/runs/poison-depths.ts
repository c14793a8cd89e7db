// Poison queue depths: the approximate message count the queue service keeps, one cheap read per queue.
import type { QueueServiceClient } from '@azure/storage-queue';
import type { PoisonCensus } from '../../services/overview/ports';
import { allowMissing, callStorage } from '../shared/storage-errors';

/** `queues`: the queues whose poison queues (`<name>-poison`, as the Functions host names them) are counted. */
export function createPoisonCensus(service: QueueServiceClient, queues: readonly string[]): PoisonCensus {
  const names = [...new Set(queues)].map((q) => `${q}-poison`);
  return {
    depths: () =>
      callStorage(() =>
        Promise.all(
          names.map(async (name) => {
            const props = await allowMissing(service.getQueueClient(name).getProperties());
            return { name, count: props?.approximateMessagesCount ?? 0 };
          }),
        ),
      ),
  };
}
