// Runs Azurite's table and queue services as supervised child processes and hands out the connection string for them.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../services/shared/ports';
import { superviseService } from './azurite-supervisor';
import { HOST, freePort } from './free-port';
import { PortInUseError } from './start-error';

export type AzuriteMode = 'disk' | 'memory';

export type AzuriteOptions = {
  readonly mode: AzuriteMode;
  /** Required for disk mode; data goes to <dataDir>/table and <dataDir>/queue, one writer at a time. */
  readonly dataDir?: string;
  /** Ports to listen on; free ones are picked when absent. */
  readonly tablePort?: number;
  readonly queuePort?: number;
  /** Azurite's own lines at info; restarts at warn; a crash loop at error. */
  readonly log?: Logger;
};

export type AzuriteHandle = {
  readonly connectionString: string;
  readonly tableUrl: string;
  readonly queueUrl: string;
  /** Current process ids of the table and queue services (they change when a service is restarted). */
  readonly pids: readonly number[];
  stop(): Promise<void>;
};

const ACCOUNT = 'devstoreaccount1';
const MAX_ATTEMPTS = 3;
const SILENT: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Starts both services and resolves once each accepts TCP connections. */
export async function startAzurite(options: AzuriteOptions): Promise<AzuriteHandle> {
  if (options.mode === 'disk' && options.dataDir === undefined) {
    throw new Error('startAzurite: disk mode needs a dataDir');
  }
  const pickedPorts = options.tablePort === undefined || options.queuePort === undefined;
  for (let attempt = 1; ; attempt++) {
    const tablePort = options.tablePort ?? (await freePort());
    const queuePort = options.queuePort ?? (await freePort(tablePort));
    try {
      return await startServices(options, tablePort, queuePort);
    } catch (error) {
      // A port we picked can be taken by someone else before Azurite binds it; pick again.
      const portTaken =
        error instanceof PortInUseError || (error instanceof Error && error.message.includes('EADDRINUSE'));
      if (!pickedPorts || !portTaken || attempt >= MAX_ATTEMPTS) throw error;
      options.log?.info(`[azurite] port taken before Azurite could bind it; retrying (${attempt}/${MAX_ATTEMPTS})`);
    }
  }
}

async function startServices(options: AzuriteOptions, tablePort: number, queuePort: number): Promise<AzuriteHandle> {
  const log = options.log ?? SILENT;
  // Not the emulator's published key: with it, any local process (a runbook, as another user) could read every run
  // and approve or queue runs behind ClouDO's back. One per start; restarts of a service keep it.
  const accountKey = randomBytes(64).toString('base64');
  const start = (service: 'table' | 'queue', port: number) => {
    const dir = options.mode === 'disk' ? path.join(options.dataDir ?? '', service) : undefined;
    return superviseService({ service, port, dir, accountKey, log: (line) => log.info(line) }, log);
  };
  // In parallel: each takes a second or two to load Azurite.
  const results = await Promise.allSettled([start('table', tablePort), start('queue', queuePort)]);
  const services = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(services.map((s) => s.stop()));
  };
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const tableUrl = `http://${HOST}:${tablePort}/${ACCOUNT}`;
  const queueUrl = `http://${HOST}:${queuePort}/${ACCOUNT}`;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${accountKey};` +
    `TableEndpoint=${tableUrl};QueueEndpoint=${queueUrl};`;
  return {
    connectionString,
    tableUrl,
    queueUrl,
    get pids() {
      return services.flatMap((s) => s.pid() ?? []);
    },
    stop,
  };
}
