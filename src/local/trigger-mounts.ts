// Trigger emulation for the local runtime: a queue listener per queue function, a timer per timer function.
import type { StorageClients } from '../adapters/shared/storage-clients';
import { readSetting } from '../config/load-config';
import { resolveBindingExpression } from './binding-expressions';
import type { LineWriter } from './console-log';
import type { HostConfig } from './host-config';
import type { Mount, QueueMount, TimerMount } from './local-host';
import { startQueueListener } from './queue-listener';
import { startTimer } from './timer-scheduler';

export type Stoppable = { stop(): Promise<void> };

/** Starts the queue listeners and timers, adding each to `stoppables` as it starts so a failure can stop them. */
export async function startTriggers(
  mounts: readonly Mount[],
  clients: StorageClients,
  settings: HostConfig['queues'],
  write: LineWriter,
  stoppables: Stoppable[],
): Promise<void> {
  for (const m of mounts) {
    if (m.kind === 'queue') stoppables.unshift(await startQueueMount(m, clients, settings, write));
    if (m.kind === 'timer') stoppables.unshift(startTimerMount(m, write));
  }
}

async function startQueueMount(
  m: QueueMount,
  clients: StorageClients,
  settings: HostConfig['queues'],
  write: LineWriter,
): Promise<Stoppable> {
  const queueName = resolveBindingExpression(m.queueName, (name) => readSetting(name));
  const queue = clients.queues.getQueueClient(queueName);
  const poisonQueue = clients.queues.getQueueClient(`${queueName}-poison`);
  await Promise.all([queue.createIfNotExists(), poisonQueue.createIfNotExists()]);
  return startQueueListener({
    functionName: m.name,
    queue,
    poisonQueue,
    settings,
    handler: (message, context) => Promise.resolve(m.handler(message, context)),
    log: (line, level = 'info') => write(level, m.name, line),
  });
}

function startTimerMount(m: TimerMount, write: LineWriter): Stoppable {
  return startTimer({
    functionName: m.name,
    schedule: m.schedule,
    runOnStartup: m.runOnStartup,
    handler: (timer, context) => Promise.resolve(m.handler(timer, context)),
    log: (line, level = 'info') => write(level, m.name, line),
  });
}
