// Runs Azurite's table and queue services as child processes and hands out the connection string for them.
import type { ChildProcess } from 'node:child_process';
import { spawnService, terminate, waitUntilListening } from './azurite-process';
import { HOST, freePort, probePort } from './free-port';

export type AzuriteMode = 'disk' | 'memory';

export type AzuriteOptions = {
  readonly mode: AzuriteMode;
  /** Required for disk mode; data goes to <dataDir>/table and <dataDir>/queue. */
  readonly dataDir?: string;
  /** Ports to listen on; free ones are picked when absent. */
  readonly tablePort?: number;
  readonly queuePort?: number;
  readonly log?: (line: string) => void;
};

export type AzuriteHandle = {
  readonly connectionString: string;
  readonly tableUrl: string;
  readonly queueUrl: string;
  /** Process ids of the table and queue services. */
  readonly pids: readonly number[];
  stop(): Promise<void>;
};

const ACCOUNT = 'devstoreaccount1';
// Microsoft's published Azurite/emulator development key; it is public and grants nothing outside localhost.
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const MAX_ATTEMPTS = 3;

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
      const portTaken = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!pickedPorts || !portTaken || attempt >= MAX_ATTEMPTS) throw error;
      options.log?.(`[azurite] port taken before Azurite could bind it; retrying (${attempt}/${MAX_ATTEMPTS})`);
    }
  }
}

async function startServices(options: AzuriteOptions, tablePort: number, queuePort: number): Promise<AzuriteHandle> {
  const children: ChildProcess[] = [];
  // Children run in their own process group, so no terminal signal stops them: this covers a parent that exits
  // without calling stop(), e.g. process.exit() on a second Ctrl-C.
  const killOnExit = (): void => children.forEach((child) => child.kill('SIGKILL'));
  process.on('exit', killOnExit);
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(terminate));
    process.off('exit', killOnExit);
  };
  try {
    for (const service of ['table', 'queue'] as const) {
      const port = service === 'table' ? tablePort : queuePort;
      // Checked first because a port held by another process would also accept our readiness probe.
      if ((await probePort(port)) === null) throw new Error(`port ${HOST}:${port} is already in use (EADDRINUSE)`);
      const child = await spawnService(service, port, options);
      children.push(child.process);
      await waitUntilListening(port, child);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const tableUrl = `http://${HOST}:${tablePort}/${ACCOUNT}`;
  const queueUrl = `http://${HOST}:${queuePort}/${ACCOUNT}`;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${DEV_KEY};` +
    `TableEndpoint=${tableUrl};QueueEndpoint=${queueUrl};`;
  const pids = children.flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  return { connectionString, tableUrl, queueUrl, pids, stop };
}
