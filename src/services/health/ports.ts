// Ports of the health check: cheap reads proving that each storage service answers.

/** Each resolves when its service answered (a miss counts: the service is there) and honours the abort signal. */
export type HealthProbes = {
  tables(signal: AbortSignal): Promise<void>;
  queues(signal: AbortSignal): Promise<void>;
};
