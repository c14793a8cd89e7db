// Runs Azurite's table and queue services as child processes and hands out the connection string for them.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  stop(): Promise<void>;
};

type Service = 'table' | 'queue';

const HOST = '127.0.0.1';
const ACCOUNT = 'devstoreaccount1';
// Microsoft's published Azurite/emulator development key; it is public and grants nothing outside localhost.
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const READY_TIMEOUT_MS = 20_000;
const KILL_GRACE_MS = 3_000;
const TAIL_CHARS = 2_000;
const MAX_ATTEMPTS = 3;

/** Starts both services and resolves once each accepts TCP connections. */
export async function startAzurite(options: AzuriteOptions): Promise<AzuriteHandle> {
  if (options.mode === 'disk' && options.dataDir === undefined) {
    throw new Error('startAzurite: disk mode needs a dataDir');
  }
  const pickedPorts = options.tablePort === undefined || options.queuePort === undefined;
  for (let attempt = 1; ; attempt++) {
    const tablePort = options.tablePort ?? (await freePort());
    const queuePort = options.queuePort ?? (await freePort([tablePort]));
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
  // Children share our process group; this covers a parent that exits without calling stop().
  const killOnExit = (): void => children.forEach((child) => child.kill('SIGKILL'));
  process.on('exit', killOnExit);
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(terminate));
    process.off('exit', killOnExit);
  };
  try {
    for (const [service, port] of [
      ['table', tablePort],
      ['queue', queuePort],
    ] as const) {
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
  return { connectionString, tableUrl, queueUrl, stop };
}

type RunningService = { readonly process: ChildProcess; readonly tail: () => string; readonly exited: () => boolean };

async function spawnService(service: Service, port: number, options: AzuriteOptions): Promise<RunningService> {
  const args = [require.resolve(`azurite/dist/src/${service}/main.js`)];
  args.push(`--${service}Host`, HOST, `--${service}Port`, String(port));
  args.push('--skipApiVersionCheck', '--disableTelemetry', '--silent');
  // Azurite refuses --inMemoryPersistence together with --location, so memory mode passes neither location nor dir.
  let cwd = tmpdir();
  if (options.mode === 'memory') {
    args.push('--inMemoryPersistence');
  } else {
    cwd = join(options.dataDir ?? '', service);
    await mkdir(cwd, { recursive: true });
    args.push('--location', cwd);
  }
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let exited = false;
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-TAIL_CHARS);
    for (const line of text.split(/\r?\n/)) if (line.trim() !== '') options.log?.(`[azurite-${service}] ${line}`);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('exit', () => (exited = true));
  child.on('error', (error) => collect(Buffer.from(`spawn failed: ${error.message}\n`)));
  return { process: child, tail: () => tail, exited: () => exited || child.exitCode !== null };
}

async function waitUntilListening(port: number, service: RunningService): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (service.exited()) {
      throw new Error(`Azurite exited before listening on port ${port}:\n${service.tail()}`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Azurite did not listen on port ${port} within ${READY_TIMEOUT_MS} ms:\n${service.tail()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Asks the OS for a free port; Azurite only logs "port 0" and never says which port it actually got. */
async function freePort(avoid: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, HOST, () => {
        const address = server.address();
        const picked = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => (picked > 0 ? resolve(picked) : reject(new Error('no free port'))));
      });
    });
    if (!avoid.includes(port)) return port;
  }
}

// SIGINT rather than SIGTERM: Azurite's table service only shuts down cleanly (saving its database) on SIGINT,
// and dies unsaved on SIGTERM; the queue service handles both.
function terminate(child: ChildProcess): Promise<void> {
  const gone = child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
  if (gone) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}
