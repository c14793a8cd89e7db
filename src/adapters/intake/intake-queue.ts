// Intake queues: depth, peek and poison-to-intake moves on Storage Queues, with message text left untouched.
import type { DequeuedMessageItem, QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { isNotFound, callStorage } from '../shared/storage-errors';

/** The most messages one receive or peek returns. */
const SERVICE_BATCH = 32;
/** Long enough to send and delete a batch; a message left behind reappears after it. */
const MOVE_VISIBILITY_SECONDS = 60;

export type PeekedMessage = { readonly messageId: string; readonly text: string; readonly dequeueCount: number };

export type MoveFailure = { readonly messageId: string; readonly error: string };

export type MoveReport = { readonly moved: number; readonly failed: readonly MoveFailure[] };

export type IntakeQueuePort = {
  /** Approximate message count; null when the queue does not exist. */
  depth(queueName: string): Promise<number | null>;
  /** Up to `n` (at most 32) messages from the front, without hiding them; empty for a missing queue. */
  peek(queueName: string, n: number): Promise<PeekedMessage[]>;
  /** Moves up to `max` messages from one queue to the other, text unchanged. */
  moveBatch(from: string, to: string, max: number): Promise<MoveReport>;
};

export function createIntakeQueues(service: QueueServiceClient): IntakeQueuePort {
  return {
    depth: (queueName) =>
      callStorage(async () => {
        try {
          return (await service.getQueueClient(queueName).getProperties()).approximateMessagesCount ?? 0;
        } catch (err) {
          if (isNotFound(err)) return null;
          throw err;
        }
      }),
    peek: (queueName, n) =>
      callStorage(async () => {
        try {
          const take = Math.min(Math.max(n, 1), SERVICE_BATCH);
          const peeked = await service.getQueueClient(queueName).peekMessages({ numberOfMessages: take });
          return peeked.peekedMessageItems.map((m) => ({
            messageId: m.messageId,
            text: m.messageText,
            dequeueCount: m.dequeueCount,
          }));
        } catch (err) {
          if (isNotFound(err)) return [];
          throw err;
        }
      }),
    moveBatch: (from, to, max) => callStorage(() => move(service, from, to, max)),
  };
}

async function move(service: QueueServiceClient, from: string, to: string, max: number): Promise<MoveReport> {
  const source = service.getQueueClient(from);
  const target = service.getQueueClient(to);
  let moved = 0;
  const failed: MoveFailure[] = [];
  let targetReady = false;
  // Failed messages stay invisible for the lease, so each receive sees new ones; stop when the queue runs dry.
  while (moved + failed.length < max) {
    const batch = await receive(source, Math.min(SERVICE_BATCH, max - moved - failed.length));
    if (batch.length === 0) break;
    if (!targetReady) {
      await target.createIfNotExists();
      targetReady = true;
    }
    for (const message of batch) {
      try {
        // Send first, delete second: a crash in between duplicates the request rather than losing it. A duplicate
        // alert is harmless: ClouDO claims each alert once per mapping by its idempotency key, so it starts no run.
        await target.sendMessage(message.messageText);
      } catch (err) {
        failed.push({ messageId: message.messageId, error: `not sent, stays in poison: ${errorText(err)}` });
        continue;
      }
      moved++;
      // Sent: the request is on the intake queue whatever happens next; only the poison copy may linger.
      await source.deleteMessage(message.messageId, message.popReceipt).catch((err: unknown) => {
        failed.push({ messageId: message.messageId, error: `sent, but its poison copy stays: ${errorText(err)}` });
      });
    }
  }
  return { moved, failed };
}

async function receive(source: QueueClient, n: number): Promise<DequeuedMessageItem[]> {
  try {
    const received = await source.receiveMessages({
      numberOfMessages: n,
      visibilityTimeout: MOVE_VISIBILITY_SECONDS,
    });
    return received.receivedMessageItems;
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
