// Keeps one Azurite service up: restarts it on its port and data directory when it dies, backing off in a crash loop.
import type { Logger } from '../services/shared/ports';
import { describeExit, spawnService, terminate, waitUntilListening } from './azurite-process';
import type { RunningService, ServiceSpec } from './azurite-process';
import { HOST, probePort } from './free-port';
import { PortInUseError } from './start-error';

export type SupervisedService = {
  /** The current process id; it changes with each restart. */
  pid(): number | undefined;
  stop(): Promise<void>;
};

// A service that dies this often within the window is in a crash loop: restarts then back off, up to the cap.
const CRASH_LOOP_DEATHS = 5;
const CRASH_LOOP_WINDOW_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

/** Starts the service and resolves once it listens; a failure to start the first time is thrown, not retried. */
export async function superviseService(spec: ServiceSpec, log: Logger): Promise<SupervisedService> {
  const supervisor = new Supervisor(spec, log, await launch(spec));
  return { pid: () => supervisor.pid(), stop: () => supervisor.stop() };
}

class Supervisor {
  private stopping = false;
  private restarting: Promise<void> = Promise.resolve();
  private wake = (): void => undefined;
  private readonly deaths: number[] = [];

  constructor(
    private readonly spec: ServiceSpec,
    private readonly log: Logger,
    private current: RunningService,
  ) {
    this.watch(current);
  }

  pid(): number | undefined {
    return this.current.process.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.restarting;
    await terminate(this.current);
  }

  private watch(running: RunningService): void {
    void running.exited.then((exit) => {
      if (!this.stopping) this.restarting = this.restart(`(pid ${running.process.pid}) ${describeExit(exit)}`);
    });
  }

  // Storage calls on the service fail with 503 while it is down; ClouDO keeps running, and health names the part.
  // Giving up would help nobody: stopping ClouDO would kill running runbooks, and the cause (a full disk, a port
  // someone took) may go away. So it keeps trying, loudly, with backoff.
  private async restart(death: string): Promise<void> {
    const { service, port } = this.spec;
    let failure = '';
    for (let attempt = 1; ; attempt++) {
      const delay = this.backoffAfterDeath();
      if (delay > 0) {
        this.log.error(
          `azurite ${service} service keeps dying (${this.deaths.length} times in the last minute; last: ` +
            `${failure || death}); next restart in ${delay / 1000} s. Its storage calls fail with 503 until it stays up.`,
        );
        await new Promise<void>((resolve) => ((this.wake = resolve), setTimeout(resolve, delay).unref()));
      }
      if (this.stopping) return;
      try {
        const next = await launch(this.spec);
        if (this.stopping) return void (await terminate(next));
        this.current = next;
        this.watch(next);
        const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
        const lost = this.spec.dir === undefined ? 'in memory: its data is gone' : 'writes of its last 5 s may be lost';
        this.log.warn(
          `azurite ${service} service ${death}; restarted on ${HOST}:${port} (pid ${next.process.pid})${tries}; ${lost}`,
        );
        return;
      } catch (err) {
        failure = `restart failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
      }
    }
  }

  /** Records a death (a failed restart is one too); 0 unless the service is in a crash loop. */
  private backoffAfterDeath(): number {
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths[0] !== undefined && this.deaths[0] < now - CRASH_LOOP_WINDOW_MS) this.deaths.shift();
    if (this.deaths.length < CRASH_LOOP_DEATHS) return 0;
    return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.deaths.length - CRASH_LOOP_DEATHS));
  }
}

/** Spawns the service and waits until it listens; throws when it cannot. */
async function launch(spec: ServiceSpec): Promise<RunningService> {
  // Checked first because a port held by another process would also accept our readiness probe.
  if ((await probePort(spec.port)) === null) {
    throw new PortInUseError(`Port ${HOST}:${spec.port} for Azurite's ${spec.service} service is already in use.`);
  }
  const running = await spawnService(spec);
  try {
    await waitUntilListening(spec.port, running);
    return running;
  } catch (err) {
    await terminate(running);
    throw err;
  }
}
