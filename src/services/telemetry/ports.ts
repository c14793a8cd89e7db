// Telemetry as the use cases and the HTTP layer report it: what only they see. Run transitions are observed at the
// execution store instead (every final status passes through it, whoever writes it).

/** The health gauges, sampled by the Sweeper about once a minute. */
export type HealthSample = {
  readonly pagesOwed: number;
  readonly oldestOwedSeconds: number;
  readonly approvalsWaiting: number;
  /** Runs the Sweeper's next run acts on: `running` past their lease, `queued` with a message due again. */
  readonly runsOverdue: number;
  readonly poison: readonly { readonly queue: string; readonly count: number }[];
};

export type Telemetry = {
  /** One failed attempt to deliver a page or chat message. */
  pageDeliveryFailed(channel: string): void;
  sampleHealth(sample: HealthSample): void;
  /** An HTTP answer: its route template, status and time taken (a 429 also counts as shed load). */
  responded(route: string, statusCode: number, durationMs: number): void;
};

/** For tests and tools that start no telemetry. */
export const NO_TELEMETRY: Telemetry = {
  pageDeliveryFailed: () => undefined,
  sampleHealth: () => undefined,
  responded: () => undefined,
};
