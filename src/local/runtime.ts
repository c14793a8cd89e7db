// Embedded local runtime: storage, mappings, and the same function registrations the Azure host gets, served locally.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { registerFunctions } from '../../functions/register';
import { localAuth } from '../config/auth-settings';
import { localTelemetry } from '../config/telemetry-settings';
import { openStorageClients } from '../adapters/shared/storage-clients';
import { createAdminServices } from '../composition/admin-wiring';
import type { CloudoConfig } from '../config/load-config';
import { createAppServices } from '../composition/app-services';
import { createRunbookIsolation } from '../composition/runner-wiring';
import { startRunbookIdentity } from '../composition/runbook-identity-wiring';
import type { Mapping } from '../domain/mappings/mapping';
import type { Logger } from '../services/shared/ports';
import type { ClaimTiming } from '../services/runs/record-once';
import { createSourceLogger, type LineWriter } from './console-log';
import { loadHostConfig, type HostConfig } from './host-config';
import { startHttpServer } from './http-server';
import { createLocalHost, type Mount } from './local-host';
import { openLocalStorage } from './storage-setup';
import { applyMappingFiles, reloadOnChange } from './reload-on-change';
import { requireRunbooksDir } from './start-checks';
import { startTriggers, type Stoppable } from './trigger-mounts';

export type LocalRuntimeOptions = {
  readonly config: CloudoConfig;
  readonly hostJsonPath: string;
  /** Address the HTTP front listens on; default 127.0.0.1. A non-loopback address turns its Host check off. */
  readonly bindHost?: string;
  readonly write: LineWriter;
  /** Overrides host.json's queue polling, e.g. for faster tests. */
  readonly queueOverrides?: Partial<HostConfig['queues']>;
  /** Idempotency claims' lease and wait, for tests; production uses the defaults. */
  readonly claimTiming?: ClaimTiming;
};

export type LocalRuntime = {
  readonly url: string;
  /** The storage's connection string; empty when it is reached by identity. */
  readonly connectionString: string;
  /** The config the functions were registered with: the given one, with every pool a mapping names. */
  readonly config: CloudoConfig;
  readonly mounts: readonly Mount[];
  readonly mappings: readonly Mapping[];
  stop(): Promise<void>;
};

export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = createSourceLogger(opts.write, 'cloudo');
  const hostConfig = await loadHostConfig(opts.hostJsonPath);
  requireRunbooksDir(opts.config.runbooksDir);
  // Before anything starts: a runbook user that cannot be had is a configuration error.
  const isolation = createRunbookIsolation(opts.config);
  for (const note of isolation.notes) log[note.level](note.text);
  const mappings = await createAdminServices(opts.config).loadMappings();
  const storage = await openLocalStorage(opts.config, log);
  // Stopped front to back: HTTP first, then workers (they finish what they hold), storage last.
  const stoppables: Stoppable[] = [storage, { stop: async () => isolation.dispose() }];
  try {
    // Before the workers, after them stopped: runs in flight may still need tokens.
    const identity = await startRunbookIdentity(opts.config, log);
    stoppables.push(identity);
    for (const note of identity.notes) log[note.level](note.text);
    const clients = openStorageClients(storage.target, opts.config);
    const admin = createAdminServices(opts.config, clients);
    const files = { admin, schemasDir: opts.config.schemasDir, embedded: storage.embedded, log };
    await applyMappingFiles(files, mappings);
    const runnable = { ...opts.config, runbooksDir: isolation.runbooksDir };
    const config = withApprovalSecret(localConfig(runnable, mappings), log);
    log.info(describeAccess(config));
    const host = createLocalHost();
    // Links in pages name this server, whose port is known only once it listens.
    let url = '';
    const timing = opts.claimTiming ? { claimTiming: opts.claimTiming } : {};
    const runbookIdentity = async () => identity.env;
    const mappingSource = `${path.relative(process.cwd(), opts.config.schemasDir) || '.'} (loaded by npm start)`;
    const appOptions = { publicUrl: () => url, runbookIdentity, mappingSource, ...timing };
    const services = createAppServices(config, clients, appOptions);
    registerFunctions(host, config, () => services);
    const settings = { ...hostConfig.queues, ...opts.queueOverrides };
    await startTriggers(host.mounts, clients, settings, opts.write, stoppables);
    const server = await startHttpServer({
      mounts: host.mounts.filter((m) => m.kind === 'http'),
      routePrefix: hostConfig.routePrefix,
      host: opts.bindHost ?? '127.0.0.1',
      port: config.port,
      write: opts.write,
    });
    url = server.url;
    stoppables.unshift({ stop: () => server.close() });
    const reload = { ...files, runbooksDir: opts.config.runbooksDir, workerPools: config.workerPools, mappings };
    stoppables.unshift(...reloadOnChange({ ...reload, refreshRunbooks: () => isolation.refresh() }));
    return {
      url: server.url,
      connectionString: storage.target.kind === 'connection-string' ? storage.target.connectionString : '',
      config,
      mounts: host.mounts,
      mappings,
      stop: () => stopAll(stoppables),
    };
  } catch (err) {
    await stopAll(stoppables);
    throw err;
  }
}

// Locally one process is every worker: it consumes each pool that a mapping names.
function localConfig(config: CloudoConfig, mappings: readonly Mapping[]): CloudoConfig {
  const workerPools = [...new Set([...config.workerPools, ...mappings.map((m) => m.worker)])];
  return { ...config, workerPools, auth: localAuth(config.auth), telemetry: localTelemetry(config.telemetry) };
}

function oncallSummary(config: CloudoConfig): string {
  const o = config.oncall;
  const keys = Object.keys(o.opsgenieKeys).length;
  const opsgenie =
    o.opsgenieKey || keys > 0
      ? `Opsgenie at ${o.opsgenieUrl}${keys ? ` (+${keys} team key(s))` : ''}`
      : 'no Opsgenie key (pages off)';
  return `on-call: ${opsgenie}; chat ${o.chatWebhookUrl ? o.chatFormat : 'off'}; approvals expire after ${o.approvalTtlMinutes} min`;
}

function describeAccess(config: CloudoConfig): string {
  if (config.auth.mode === 'easy-auth')
    return 'access: X-MS-CLIENT-PRINCIPAL is trusted as App Service sets it (CLOUDO_LOCAL_AUTH=principal-header); requests without it are anonymous';
  return `access: every caller is the local user "${config.auth.localUser}" with every right (serving loopback only; CLOUDO_LOCAL_AUTH=principal-header tries roles)`;
}

// Production has no default secret; a local run makes its own, so approval gates work out of the box.
function withApprovalSecret(config: CloudoConfig, log: Logger): CloudoConfig {
  log.info(oncallSummary(config));
  if (config.oncall.approvalSecret) return config;
  log.warn('APPROVAL_SECRET is not set: generated one for this run; approval links stop working when ClouDO stops.');
  return { ...config, oncall: { ...config.oncall, approvalSecret: randomBytes(32).toString('hex') } };
}

async function stopAll(stoppables: readonly Stoppable[]): Promise<void> {
  for (const s of stoppables) await s.stop().catch(() => undefined);
}
