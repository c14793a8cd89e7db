// ClouDO's local runtime as a process of its own (`npm start`, from the sources): for tests that kill it, or that
// need its environment to be exactly the one they give (what /proc/<pid>/environ shows).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { uniqueName } from './unique-names';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'src/local/main.ts');
const READY = /ClouDO is running on (http:\/\/\S+)\/api/;

export type RuntimeProcess = {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Every line it has printed so far, stdout and stderr. */
  readonly output: () => string;
  /** Resolves when it has exited (with its exit code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (a clean stop), or the given signal; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
};

export type RuntimeProcessOptions = {
  /** The project folder: schemas/ and runbooks/ inside, host.json is copied in. */
  readonly dir: string;
  /** The complete environment: nothing of the test process is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
  /** Start it as this user instead of the test's own (the test must be root), e.g. to see a non-root worker. */
  readonly user?: { readonly uid: number; readonly gid: number };
};

/** The environment of a runtime of its own: nothing inherited but PATH, its own tables and queues on `storage`. */
export function isolatedRuntimeEnv(storage: string): Record<string, string> {
  const id = uniqueName('');
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    PORT: '0',
    CLOUDO_STORAGE_CONNECTION: storage,
    CLOUDO_MAPPINGS_TABLE: `${id}m`,
    CLOUDO_EXECUTIONS_TABLE: `${id}x`,
    CLOUDO_QUEUE_PREFIX: `${id}-`,
    CLOUDO_KILL_GRACE_SECONDS: '1',
  };
}

/** Starts `src/local/main.ts` through tsx in `dir` and waits until it prints its URL. */
export async function startRuntimeProcess(opts: RuntimeProcessOptions): Promise<RuntimeProcess> {
  copyFileSync(path.join(ROOT, 'host.json'), path.join(opts.dir, 'host.json'));
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN], {
    cwd: opts.dir,
    env: { ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts.user,
  });
  let text = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start in time'), opts.readyTimeoutMs ?? 60_000);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`runtime ${why}:\n${text}`));
    }
    const collect = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const ready = READY.exec(text);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void exited.then(({ code, signal }) => fail(`exited (${code ?? signal}) before it was ready`));
  });
  return {
    url,
    pid: child.pid!,
    child,
    output: () => text,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
