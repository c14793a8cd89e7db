// Integration tests of the queue trigger emulation against the shared Azurite from the global setup.
import { QueueServiceClient } from '@azure/storage-queue';
import type { QueueClient } from '@azure/storage-queue';
import type { InvocationContext } from '@azure/functions';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { QueueHostSettings } from '../../../src/local/host-config';
import { startQueueListener } from '../../../src/local/queue-listener';
import type { QueueListener, QueueListenerOptions } from '../../../src/local/queue-listener';
import { uniqueQueueName } from '../../support/unique-names';

const service = QueueServiceClient.fromConnectionString(inject('storageConnection'));
const createdQueues: string[] = [];
const listeners: QueueListener[] = [];
const logLines: string[] = [];

const settings: QueueHostSettings = {
  batchSize: 4,
  newBatchThreshold: 2,
  maxDequeueCount: 3,
  visibilityTimeoutMs: 0,
  maxPollingIntervalMs: 400,
  messageEncoding: 'base64',
};

type Handler = QueueListenerOptions['handler'];

async function newQueue(prefix: string, create = true): Promise<{ queue: QueueClient; poison: QueueClient }> {
  const name = uniqueQueueName(prefix);
  createdQueues.push(name, `${name}-poison`);
  const queue = service.getQueueClient(name);
  if (create) await queue.create();
  return { queue, poison: service.getQueueClient(`${name}-poison`) };
}

function listen(
  queue: QueueClient,
  poison: QueueClient,
  handler: Handler,
  overrides: Partial<QueueHostSettings> = {},
  leaseMs?: number,
): QueueListener {
  const listener = startQueueListener({
    functionName: 'testFunction',
    queue,
    poisonQueue: poison,
    settings: { ...settings, ...overrides },
    handler,
    log: (line) => logLines.push(line),
    leaseMs,
  });
  listeners.push(listener);
  return listener;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logLines.slice(-20).join('\n')}`);
    await sleep(100);
  }
}

async function messageCount(queue: QueueClient): Promise<number> {
  if (!(await queue.exists())) return 0;
  return (await queue.getProperties()).approximateMessagesCount ?? 0;
}

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.stop()));
});

afterAll(async () => {
  await Promise.all(createdQueues.map((name) => service.getQueueClient(name).deleteIfExists()));
});

describe('startQueueListener', () => {
  it('decodes base64, passes parsed JSON or the plain string, and deletes handled messages', async () => {
    const { queue, poison } = await newQueue('decode');
    const received: unknown[] = [];
    const metadata: InvocationContext['triggerMetadata'][] = [];
    listen(queue, poison, async (message, context) => {
      received.push(message);
      metadata.push(context.triggerMetadata);
    });
    await queue.sendMessage(b64(JSON.stringify({ runbook: 'restart', attempt: 1 })));
    await queue.sendMessage(b64('plain text, not JSON'));
    await waitFor('both messages', () => received.length === 2);
    expect(received).toContainEqual({ runbook: 'restart', attempt: 1 });
    expect(received).toContain('plain text, not JSON');
    expect(metadata[0]).toMatchObject({ dequeueCount: 1, id: expect.any(String), popReceipt: expect.any(String) });
    await waitFor('queue to be empty', async () => (await messageCount(queue)) === 0);
  });

  it('passes the raw text when messageEncoding is none', async () => {
    const { queue, poison } = await newQueue('none');
    const received: unknown[] = [];
    listen(queue, poison, async (message) => void received.push(message), { messageEncoding: 'none' });
    await queue.sendMessage('{"id":7}');
    await waitFor('the message', () => received.length === 1);
    expect(received[0]).toEqual({ id: 7 });
  });

  it('keeps a message invisible while a handler outlives the lease, so it is delivered once', async () => {
    // Renewed every 2 s for 4 s of visibility: a renewal may run 2 s late on a loaded machine before the message
    // shows. The handler outlives 2.5 leases, so without renewals it would be redelivered at least twice.
    const leaseMs = 4_000;
    const { queue, poison } = await newQueue('lease');
    let calls = 0;
    let finished = false;
    const handler: Handler = async () => {
      calls += 1;
      await sleep(2.5 * leaseMs);
      finished = true;
    };
    listen(queue, poison, handler, {}, leaseMs);
    await queue.sendMessage(b64('slow work'));
    await waitFor('the slow handler to finish', () => finished);
    await waitFor('the message to be deleted', async () => (await messageCount(queue)) === 0);
    // Deleting needs the latest pop receipt, so a redelivery before this point would have left calls at 2.
    expect(calls).toBe(1);
  });

  it('retries a failing message and moves it to the poison queue after maxDequeueCount attempts', async () => {
    const { queue, poison } = await newQueue('poison');
    let calls = 0;
    listen(queue, poison, async () => {
      calls += 1;
      throw new Error('runbook failed');
    });
    const original = b64(JSON.stringify({ fail: true }));
    await queue.sendMessage(original);
    await waitFor('the poison message', async () => (await messageCount(poison)) === 1);
    expect(calls).toBe(settings.maxDequeueCount);
    const [poisoned] = (await poison.receiveMessages()).receivedMessageItems;
    expect(poisoned?.messageText).toBe(original);
    await waitFor('the original to be gone', async () => (await messageCount(queue)) === 0);
  });

  it('poisons without invoking a message already dequeued too often, or one that is not base64', async () => {
    const { queue, poison } = await newQueue('predq');
    await queue.sendMessage(b64('dequeued elsewhere'));
    for (let i = 0; i < settings.maxDequeueCount; i++) {
      const [item] = (await queue.receiveMessages({ visibilityTimeout: 30 })).receivedMessageItems;
      if (item === undefined) throw new Error('expected the message to be visible');
      await queue.updateMessage(item.messageId, item.popReceipt, undefined, 0);
    }
    await queue.sendMessage('not base64 at all!');
    let calls = 0;
    listen(queue, poison, async () => void (calls += 1));
    await waitFor('both poison messages', async () => (await messageCount(poison)) === 2);
    expect(calls).toBe(0);
  });

  it('never runs more than batchSize + newBatchThreshold handlers at once', async () => {
    const { queue, poison } = await newQueue('conc');
    let running = 0;
    let peak = 0;
    let done = 0;
    listen(queue, poison, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(300);
      running -= 1;
      done += 1;
    });
    await Promise.all(Array.from({ length: 24 }, (_, i) => queue.sendMessage(b64(`job ${i}`))));
    await waitFor('all 24 messages', () => done === 24);
    expect(peak).toBeLessThanOrEqual(settings.batchSize + settings.newBatchThreshold);
    expect(peak).toBeGreaterThan(1);
  });

  it('stop() waits for in-flight handlers and settles their messages', async () => {
    const { queue, poison } = await newQueue('stop');
    let started = false;
    let finished = false;
    const listener = listen(queue, poison, async () => {
      started = true;
      await sleep(1_500);
      finished = true;
    });
    await queue.sendMessage(b64('in flight'));
    await waitFor('the handler to start', () => started);
    await listener.stop();
    expect(finished).toBe(true);
    expect(await messageCount(queue)).toBe(0);
  });

  it('keeps polling through storage errors, e.g. a queue that does not exist yet', async () => {
    const { queue, poison } = await newQueue('late', false);
    const received: unknown[] = [];
    listen(queue, poison, async (message) => void received.push(message));
    await waitFor('a logged polling error', () => logLines.some((line) => line.includes(queue.name)));
    await queue.create();
    await queue.sendMessage(b64('"finally"'));
    await waitFor('the message', () => received.length === 1);
    expect(received[0]).toBe('finally');
  });

  it('creates its queue again when storage comes back without it, and goes on listening', async () => {
    const { queue, poison } = await newQueue('recreate');
    const received: unknown[] = [];
    listen(queue, poison, async (message) => void received.push(message));
    await queue.delete();
    await waitFor('the queue to be back', () => queue.exists());
    await queue.sendMessage(b64('"after"'));
    await waitFor('the message', () => received.length === 1);
    expect(received).toEqual(['after']);
  });
});
