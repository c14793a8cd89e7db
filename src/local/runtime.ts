// Embedded local runtime: storage, mappings, and the same function registrations the Azure host gets, served locally.
import path from 'node:path';
import { registerFunctions } from '../../functions/register';
import { createMappingTable } from '../adapters/mapping-table';
import { readMappingFiles } from '../adapters/schema-files';
import { createStorageClients, ensureTables, type StorageClients } from '../adapters/storage-clients';
import { readSetting, type CloudoConfig } from '../config';
import { createAppServices } from '../composition';
import type { Mapping } from '../domain/mapping';
import { resolveRunbook } from '../adapters/runbook-resolver';
import { applyMappings, validateMappingFiles } from '../services/apply-mappings';
import { findRunbookProblems } from '../services/check-runbooks';
import { resolveBindingExpression } from './binding-expressions';
import { sourceLogger, type LineWriter } from './console-log';
import { loadHostConfig, type HostConfig } from './host-config';
import { startHttpServer } from './http-server';
import { createLocalHost, invocationContext, type Mount, type QueueMount, type TimerMount } from './local-host';
import { startQueueListener } from './queue-listener';
import { openLocalStorage } from './storage-setup';
import { startTimer } from './timer-scheduler';

export type LocalRuntimeOptions = {
  readonly config: CloudoConfig;
  readonly hostJsonPath: string;
  readonly bindHost?: string;
  readonly write: LineWriter;
  /** Overrides host.json's queue polling, e.g. for faster tests. */
  readonly queueOverrides?: Partial<HostConfig['queues']>;
};

export type LocalRuntime = {
  readonly url: string;
  readonly connectionString: string;
  readonly mounts: readonly Mount[];
  readonly mappings: readonly Mapping[];
  stop(): Promise<void>;
};

type Stoppable = { stop(): Promise<void> };

export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = sourceLogger(opts.write, 'cloudo');
  const hostConfig = await loadHostConfig(opts.hostJsonPath);
  const mappings = validateMappingFiles(await readMappingFiles(opts.config.schemasDir));
  const storage = await openLocalStorage(opts.config, (line) => log.info(line));
  const stoppables: Stoppable[] = [storage];
  try {
    const clients = createStorageClients(storage.connectionString, opts.config);
    await ensureTables(clients);
    const report = await applyMappings(createMappingTable(clients.mappings), mappings, storage.embedded);
    log.info(`mappings: ${report.upserted} loaded from ${path.relative(process.cwd(), opts.config.schemasDir) || '.'}`);
    for (const m of mappings)
      log.info(`  ${m.partition}/${m.id}  ${m.name} -> ${m.runbook}${m.enabled ? '' : ' (disabled)'}`);
    const locate = (runbook: string) => resolveRunbook(opts.config.runbooksDir, runbook);
    for (const problem of await findRunbookProblems(mappings, locate)) log.warn(`will fail: ${problem}`);
    if (report.stale.length > 0 && !storage.embedded)
      log.warn(`stored but not in files (kept): ${report.stale.join(', ')}`);
    // Locally one process is every worker: it consumes each pool that a mapping names.
    const pools = [...new Set([...opts.config.workerPools, ...mappings.map((m) => m.worker)])];
    const config = { ...opts.config, workerPools: pools };
    const host = createLocalHost();
    const services = createAppServices(config, clients);
    registerFunctions(host, config, () => services);
    const settings = { ...hostConfig.queues, ...opts.queueOverrides };
    for (const m of host.mounts) {
      if (m.kind === 'queue') stoppables.unshift(await startQueueMount(m, clients, settings, opts.write));
      if (m.kind === 'timer') stoppables.unshift(startTimerMount(m, opts.write));
    }
    const server = await startHttpServer({
      mounts: host.mounts.filter((m) => m.kind === 'http'),
      routePrefix: hostConfig.routePrefix,
      host: opts.bindHost ?? '127.0.0.1',
      port: config.port,
      write: opts.write,
    });
    stoppables.unshift({ stop: () => server.close() });
    return {
      url: server.url,
      connectionString: storage.connectionString,
      mounts: host.mounts,
      mappings,
      stop: () => stopAll(stoppables),
    };
  } catch (err) {
    await stopAll(stoppables);
    throw err;
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
    // Per-message host chatter is left out: the worker's own start/end lines say the same, more readably.
    log: (line, level = 'info') => level !== 'debug' && write(level, m.name, line),
  });
}

function startTimerMount(m: TimerMount, write: LineWriter): Stoppable {
  return startTimer({
    functionName: m.name,
    schedule: m.schedule,
    runOnStartup: m.runOnStartup,
    handler: (timer) => Promise.resolve(m.handler(timer, invocationContext(m.name, write))),
    log: (line: string) => write('info', m.name, line),
  });
}

// Front door first, then workers (they finish what they hold), storage last.
async function stopAll(stoppables: readonly Stoppable[]): Promise<void> {
  for (const s of stoppables) await s.stop().catch(() => undefined);
}
