// Spawns one Azurite service as a child process, waits for it to listen and stops it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AzuriteOptions } from './azurite';
import { HOST, accepts } from './free-port';

export type AzuriteService = 'table' | 'queue';
export type RunningService = { readonly process: ChildProcess; readonly tail: () => string };

const READY_TIMEOUT_MS = 20_000;
const KILL_GRACE_MS = 3_000;
const TAIL_CHARS = 2_000;

export async function spawnService(
  service: AzuriteService,
  port: number,
  options: AzuriteOptions,
): Promise<RunningService> {
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
  // Its own process group: a terminal's Ctrl-C reaches only ClouDO, which stops Azurite after draining executions.
  const child = spawn(process.execPath, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-TAIL_CHARS);
    for (const line of text.split(/\r?\n/)) if (line.trim() !== '') options.log?.(`[azurite-${service}] ${line}`);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (error) => collect(Buffer.from(`spawn failed: ${error.message}\n`)));
  return { process: child, tail: () => tail };
}

export async function waitUntilListening(port: number, service: RunningService): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null || service.process.signalCode !== null) {
      throw new Error(`Azurite exited before listening on port ${port}:\n${service.tail()}`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Azurite did not listen on port ${port} within ${READY_TIMEOUT_MS} ms:\n${service.tail()}`);
}

// SIGINT rather than SIGTERM: Azurite's table service only shuts down cleanly (saving its database) on SIGINT,
// and dies unsaved on SIGTERM; the queue service handles both.
export function terminate(child: ChildProcess): Promise<void> {
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
