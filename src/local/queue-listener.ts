// Emulates the storage queue trigger: polling, batching, visibility leases, retries and the poison queue.
import type { InvocationContext } from '@azure/functions';
import type { LogLevel } from './console-log';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { QueueHostSettings } from './host-config';
import { isNotFound } from '../adapters/shared/storage-errors';
import { startLease } from './queue-lease';
import { admitMessage, createTriggerContext, describeError, decidePoison, parseTriggerValue } from './queue-message';

export type QueueListenerOptions = {
  readonly functionName: string;
  readonly queue: QueueClient;
  /** Conventionally `<queue>-poison`; created on first use. */
  readonly poisonQueue: QueueClient;
  readonly settings: QueueHostSettings;
  readonly handler: (message: unknown, context: InvocationContext) => Promise<unknown>;
  /** Host-style progress lines; `debug` is per-message chatter a console may leave out. */
  readonly log: (line: string, level?: LogLevel) => void;
  /** Visibility set on receive and renewed every leaseMs/2 while the handler runs. Default 30 s. */
  readonly leaseMs?: number | undefined;
};

export type QueueListener = {
  /** Stops polling and resolves once every handler already running has finished and been settled. */
  stop(): Promise<void>;
};

// QueuePollingIntervals.Minimum in the host: the first wait after an empty poll.
const MIN_POLL_MS = 100;
const MAX_BATCH = 32;

export function startQueueListener(options: QueueListenerOptions): QueueListener {
  const listener = new Listener(options);
  const loop = listener.run();
  return { stop: () => listener.stop(loop) };
}

class Listener {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly leaseMs: number;
  private stopped = false;
  private wake: () => void = () => undefined;

  constructor(private readonly options: QueueListenerOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    // Queue visibility has one-second granularity; shorter leases would renew in a tight loop.
    if (this.leaseMs < 1_000) throw new Error(`startQueueListener: leaseMs must be at least 1000, got ${this.leaseMs}`);
  }

  async run(): Promise<void> {
    const { batchSize, newBatchThreshold, maxPollingIntervalMs } = this.options.settings;
    let delay = MIN_POLL_MS;
    while (!this.stopped) {
      // The host fetches a new batch only once at most newBatchThreshold messages are still being processed.
      if (this.inFlight.size > newBatchThreshold) {
        await this.idle(null);
        continue;
      }
      const messages = await this.receive(Math.min(batchSize, MAX_BATCH));
      for (const message of messages) this.track(this.process(message));
      if (messages.length > 0) {
        delay = MIN_POLL_MS;
        continue;
      }
      await this.idle(delay);
      delay = Math.min(delay * 2, maxPollingIntervalMs);
    }
  }

  async stop(loop: Promise<void>): Promise<void> {
    this.stopped = true;
    this.wake();
    await loop;
    await Promise.all(this.inFlight);
  }

  private async receive(count: number): Promise<DequeuedMessageItem[]> {
    const { queue, log } = this.options;
    try {
      const visibilityTimeout = Math.ceil(this.leaseMs / 1000);
      return (await queue.receiveMessages({ numberOfMessages: count, visibilityTimeout })).receivedMessageItems;
    } catch (error) {
      // A missing queue or a storage hiccup must not stop the listener; the caller backs off and polls again.
      log(`polling queue '${queue.name}' failed: ${describeError(error)}`, 'warn');
      // Created at start, so gone since (deleted, or storage came back without it): listen on a new one.
      if (isNotFound(error)) await queue.createIfNotExists().catch(() => undefined);
      return [];
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.wake();
    });
  }

  private idle(ms: number | null): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === null ? undefined : setTimeout(() => this.wake(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = () => undefined;
        resolve();
      };
    });
  }

  private async process(message: DequeuedMessageItem): Promise<void> {
    const { queue, settings, log } = this.options;
    const lease = startLease(queue, message, this.leaseMs, (line) => log(line, 'warn'));
    try {
      const admission = admitMessage(message, settings);
      if ('poison' in admission) return await this.poison(message, await lease.end(), admission.poison);
      const succeeded = await this.invoke(message, admission.text);
      const popReceipt = await lease.end();
      if (succeeded) {
        await queue.deleteMessage(message.messageId, popReceipt);
        return;
      }
      const exhausted = decidePoison(message, settings);
      if (exhausted !== null) return await this.poison(message, popReceipt, exhausted);
      const retryAfterSeconds = Math.ceil(settings.visibilityTimeoutMs / 1000);
      await queue.updateMessage(message.messageId, popReceipt, undefined, retryAfterSeconds);
    } catch (error) {
      log(`settling message ${message.messageId} failed: ${describeError(error)}`, 'warn');
    } finally {
      await lease.end();
    }
  }

  private async invoke(message: DequeuedMessageItem, text: string): Promise<boolean> {
    const { functionName, log, handler, queue } = this.options;
    const value = parseTriggerValue(text);
    const context = createTriggerContext(message, value, queue.name, functionName, log);
    const tag = `(id ${context.invocationId}, message ${message.messageId}, dequeue ${message.dequeueCount})`;
    log(`executing ${tag}`, 'debug');
    try {
      await handler(value, context);
      log(`succeeded ${tag}`, 'debug');
      return true;
    } catch (error) {
      log(`failed ${tag}: ${describeError(error)}`, 'warn');
      return false;
    }
  }

  private async poison(message: DequeuedMessageItem, popReceipt: string, why: string): Promise<void> {
    const { queue, poisonQueue, log, settings } = this.options;
    const limit = `maxDequeueCount ${settings.maxDequeueCount}`;
    log(`message ${message.messageId} ${why} (${limit}); moving it to '${poisonQueue.name}'`, 'warn');
    await poisonQueue.createIfNotExists();
    // The original wire text, so the poison copy keeps the same encoding as the source message.
    await poisonQueue.sendMessage(message.messageText);
    await queue.deleteMessage(message.messageId, popReceipt);
  }
}
