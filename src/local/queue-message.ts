// Interprets a dequeued message: decoding its text, building the trigger's invocation context and poison decisions.
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { InvocationContext } from '@azure/functions';
import type { LogLevel } from '@azure/functions';
import { fromHostLevel, type LogLevel as ConsoleLevel } from './console-log';
import type { DequeuedMessageItem } from '@azure/storage-queue';
import { decodeBase64 } from '../adapters/shared/text-codecs';
import type { QueueHostSettings } from './host-config';

function decodeMessage(text: string, encoding: QueueHostSettings['messageEncoding']): string | null {
  return encoding === 'none' ? text : decodeBase64(text);
}

/** The decoded text to hand the handler, or why the message must be poisoned without invoking it. */
export type MessageAdmission = { readonly text: string } | { readonly poison: string };

export function admitMessage(message: DequeuedMessageItem, settings: QueueHostSettings): MessageAdmission {
  const text = decodeMessage(message.messageText, settings.messageEncoding);
  if (text === null) return { poison: 'is not valid base64' };
  // The host poisons a message before invoking when it was already dequeued more than maxDequeueCount times.
  if (message.dequeueCount > settings.maxDequeueCount) return { poison: `was dequeued ${message.dequeueCount} times` };
  return { text };
}

/** Why a message whose handler failed must be poisoned, or null when it should be retried. */
export function decidePoison(message: DequeuedMessageItem, settings: QueueHostSettings): string | null {
  return message.dequeueCount >= settings.maxDequeueCount ? `failed on dequeue ${message.dequeueCount}` : null;
}

/** What the Node worker hands a trigger without dataType: JSON when the text parses as JSON, else the string. */
export function parseTriggerValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createTriggerContext(
  message: DequeuedMessageItem,
  value: unknown,
  queueName: string,
  functionName: string,
  log: (line: string, level: ConsoleLevel) => void,
): InvocationContext {
  return new InvocationContext({
    invocationId: randomUUID(),
    functionName,
    logHandler: (level: LogLevel, ...args: unknown[]) => log(format(...args), fromHostLevel(level)),
    triggerMetadata: {
      id: message.messageId,
      dequeueCount: message.dequeueCount,
      insertionTime: message.insertedOn.toISOString(),
      expirationTime: message.expiresOn.toISOString(),
      nextVisibleTime: message.nextVisibleOn.toISOString(),
      popReceipt: message.popReceipt,
      queueTrigger: value,
    },
    options: { trigger: { type: 'queueTrigger', name: 'queueItem', queueName } },
  });
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
