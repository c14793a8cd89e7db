// Keeps a received queue message invisible while its handler runs by renewing its visibility timeout.
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import { describeError } from './queue-message';

export type Lease = { end(): Promise<string> };
type Log = (line: string) => void;

/** Keeps a message invisible while its handler runs, however long, tracking the pop receipt each renewal returns. */
export function startLease(queue: QueueClient, message: DequeuedMessageItem, leaseMs: number, log: Log): Lease {
  let popReceipt = message.popReceipt;
  let renewals = Promise.resolve();
  const renew = async (): Promise<void> => {
    try {
      const response = await queue.updateMessage(message.messageId, popReceipt, undefined, Math.ceil(leaseMs / 1000));
      popReceipt = response.popReceipt ?? popReceipt;
    } catch (error) {
      log(`renewing the lease of message ${message.messageId} failed: ${describeError(error)}`);
    }
  };
  const timer = setInterval(() => (renewals = renewals.then(renew)), leaseMs / 2);
  return {
    async end() {
      clearInterval(timer);
      await renewals;
      return popReceipt;
    },
  };
}
