// Queue settings: how the intake queue and the worker pools' queues must stay apart.
import { queueNameForPool } from '../domain/runs/run-message';

// A pool on the intake queue (or its poison queue) would take run requests for runs, and the intake function on a
// worker's queue would reject, and so delete, every run message.
export function findIntakeClashes(prefix: string, pools: readonly string[], intake: string): string[] {
  const poolQueues = pools.map((p) => [p, queueNameForPool(prefix, p)] as const);
  return [
    ...poolQueues
      .filter(([, q]) => q === intake || q === `${intake}-poison`)
      .map(([p]) => `  CLOUDO_WORKER_POOLS: pool "${p}" would consume the intake queue ${intake} or its poison queue`),
    ...poolQueues
      .filter(([, q]) => intake === `${q}-poison`)
      .map(([p]) => `  CLOUDO_INTAKE_QUEUE: ${intake} is the poison queue of pool "${p}"`),
  ];
}
