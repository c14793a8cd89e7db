// Azurite's table and queue services as processes a test owns: on disk, on fixed ports, to kill -9 and start again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

export type AzuriteService = 'table' | 'queue';

export type AzuriteServices = {
  readonly connectionString: string;
  /** SIGKILL: the process dies at once, with whatever its database had not saved yet. */
  kill(service: AzuriteService): Promise<void>;
  /** Starts the service again on the same port and data. */
  start(service: AzuriteService): Promise<void>;
  stop(): Promise<void>;
};

const HOST = '127.0.0.1';
// Microsoft's published Azurite development key: public, and good for nothing but a local emulator.
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * `durableTables`: the table service saves each change before acknowledging it, as Azure Storage keeps what it
 * acknowledged; plain Azurite saves every 5 s and a kill -9 loses what came since (the queue service keeps that
 * behaviour: lost messages and lost deletes are faults ClouDO must survive).
 */
export async function startAzuriteServices(
  dataDir: string,
  ports: Record<AzuriteService, number>,
  durableTables = true,
) {
  const children = new Map<AzuriteService, ChildProcess>();
  // However the test ends (a hook that timed out included), the services end with the test's process.
  const killAll = () => children.forEach((child) => child.kill('SIGKILL'));
  process.on('exit', killAll);
  const start = async (service: AzuriteService): Promise<void> => {
    const location = path.join(dataDir, service);
    mkdirSync(location, { recursive: true });
    const main =
      service === 'table' && durableTables
        ? path.join(__dirname, 'azurite-durable-table.cjs')
        : require.resolve(`azurite/dist/src/${service}/main.js`);
    const args = [main, `--${service}Host`, HOST, `--${service}Port`, String(ports[service])];
    args.push('--location', location, '--skipApiVersionCheck', '--disableTelemetry', '--silent');
    children.set(service, spawn(process.execPath, args, { stdio: 'ignore' }));
    await waitForPort(ports[service], true);
  };
  const kill = async (service: AzuriteService): Promise<void> => {
    children.get(service)?.kill('SIGKILL');
    children.delete(service);
    await waitForPort(ports[service], false);
  };
  await start('table');
  await start('queue');
  const account = 'devstoreaccount1';
  const services: AzuriteServices = {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${KEY};` +
      `TableEndpoint=http://${HOST}:${ports.table}/${account};QueueEndpoint=http://${HOST}:${ports.queue}/${account};`,
    kill,
    start,
    stop: async () => {
      await Promise.all([...children.keys()].map(kill));
      process.off('exit', killAll);
    },
  };
  return services;
}

async function waitForPort(port: number, open: boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await accepts(port)) !== open) {
    if (Date.now() > deadline) throw new Error(`port ${port} did not ${open ? 'open' : 'close'} in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
