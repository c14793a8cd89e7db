// Spawns one Azurite service process (azurite-service.ts), waits for it to listen and stops it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IN_USE_EXIT_CODE } from './data-dir-lock';
import { HOST, accepts } from './free-port';
import { StartError } from './start-error';

export type AzuriteService = 'table' | 'queue';

export type ServiceSpec = {
  readonly service: AzuriteService;
  readonly port: number;
  /** The service's own data directory; absent in memory mode. */
  readonly dir?: string | undefined;
  /** The account key it accepts (base64), instead of the emulator's published one; sent over IPC, never in argv. */
  readonly accountKey: string;
  readonly log?: (line: string) => void;
};

/** The first IPC message a service gets: what it must know before Azurite starts. */
export type ServiceStartMessage = { readonly accountKey: string };

export type ServiceExit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

export type RunningService = {
  readonly process: ChildProcess;
  readonly tail: () => string;
  readonly exited: Promise<ServiceExit>;
  /** Its output goes to the log from now on; before, only into the tail, which a failed start reports. */
  readonly logFromNow: () => void;
};

// Longer than a service waits for a dying predecessor to save and let go of the data directory (data-dir-lock).
const READY_TIMEOUT_MS = 45_000;
// Time to save the database after the disconnect; SIGKILL past it loses what was written since the last autosave.
const CLOSE_GRACE_MS = 10_000;
const TAIL_CHARS = 2_000;

// From the sources (tests, tsx) the entry is TypeScript and runs through tsx, as test/support/runtime-process.ts does.
const ENTRY = path.join(__dirname, `azurite-service${path.extname(__filename)}`);
const LOADER = path.extname(__filename) === '.ts' ? ['--require', require.resolve('tsx/cjs')] : [];

export async function spawnService(spec: ServiceSpec): Promise<RunningService> {
  const args = [...LOADER, ENTRY, spec.service];
  args.push(`--${spec.service}Host`, HOST, `--${spec.service}Port`, String(spec.port));
  args.push('--skipApiVersionCheck', '--disableTelemetry', '--silent');
  // Azurite refuses --inMemoryPersistence together with --location, so memory mode passes neither location nor dir.
  let cwd = tmpdir();
  if (spec.dir === undefined) {
    args.push('--inMemoryPersistence');
  } else {
    cwd = spec.dir;
    // The database holds every run, alert payload and approval state: runbooks (another user) must not read it.
    await prepareDataDir(cwd);
    args.push('--location', cwd);
  }
  // Its own process group: a terminal's Ctrl-C reaches only ClouDO, which stops Azurite after draining executions.
  // The IPC channel is the lifeline: the service saves and exits when it closes, whether ClouDO stopped or died.
  const child = spawn(process.execPath, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // A child that died at once has no channel left; its exit is reported below like any other.
  if (child.connected) child.send({ accountKey: spec.accountKey } satisfies ServiceStartMessage, () => undefined);
  const exited = new Promise<ServiceExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let tail = '';
  let logging = false;
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-TAIL_CHARS);
    if (!logging) return;
    for (const line of text.split(/\r?\n/)) if (line.trim() !== '') spec.log?.(`[azurite-${spec.service}] ${line}`);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (error) => collect(Buffer.from(`spawn failed: ${error.message}\n`)));
  return { process: child, tail: () => tail, exited, logFromNow: () => (logging = true) };
}

/** Made private to ClouDO's user; a path that cannot be a directory is a setting to fix, told in one line. */
async function prepareDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
    throw new StartError(`CLOUDO_LOCAL_DATA_DIR: cannot use ${dir} as Azurite's data directory (${code})`);
  }
}

export async function waitUntilListening(port: number, service: RunningService): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { exitCode, signalCode } = service.process;
    if (exitCode === IN_USE_EXIT_CODE) throw new StartError(lastLine(service.tail()));
    if (exitCode !== null || signalCode !== null) {
      const how = describeExit({ code: exitCode, signal: signalCode });
      throw new Error(`Azurite ${how} before listening on port ${port}:\n${service.tail()}`);
    }
    if (await accepts(port)) return service.logFromNow();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Azurite did not listen on port ${port} within ${READY_TIMEOUT_MS} ms:\n${service.tail()}`);
}

/** Disconnects (the service then saves and exits) and waits for the exit; SIGKILL if it takes too long. */
export async function terminate(service: RunningService): Promise<void> {
  const child = service.process;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const force = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
  if (child.connected) child.disconnect();
  // SIGINT, not SIGTERM: Azurite's table service saves its database only on SIGINT.
  else child.kill('SIGINT');
  await service.exited;
  clearTimeout(force);
}

export function describeExit(exit: ServiceExit): string {
  return exit.signal === null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
}

function lastLine(text: string): string {
  return text.trim().split(/\r?\n/).pop() ?? text;
}
