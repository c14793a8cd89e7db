// Health probes on the storage clients: one point read per service, a miss (404) counting as an answer.
import type { HealthProbes } from '../../services/health/ports';
import type { StorageClients } from '../shared/storage-clients';
import { ignoreNotFound } from '../shared/storage-errors';

/** `queueName`: a queue ClouDO uses (the first pool's run queue); it need not exist yet. */
export function createHealthProbes(clients: StorageClients, queueName: string): HealthProbes {
  // A miss proves the service answers and accepts our credentials; anything else (403 included) does not.
  return {
    tables: (abortSignal) =>
      clients.mappings.getEntity('~health', '~health', { abortSignal }).then(() => undefined, ignoreNotFound),
    queues: (abortSignal) =>
      clients.queues
        .getQueueClient(queueName)
        .getProperties({ abortSignal })
        .then(() => undefined, ignoreNotFound),
  };
}
