// What the `cloudo azure` verbs need from the outside world: ARM, HTTP, a clock and a terminal.
import type { Fetch } from '../adapters/azure/app-api';
import type { MonitorPort } from '../adapters/azure/arm-monitor';

export type AzureDeps = {
  /** The port for one subscription: ARM clients are bound to a subscription. */
  readonly monitor: (subscriptionId: string) => MonitorPort;
  readonly fetch: Fetch;
  readonly print: (line: string) => void;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Between polls of the app while waiting for a test alert. */
  readonly appPollMs: number;
  /** A bearer token (CLOUDO_TOKEN) for an app with sign-in, whose runs a function key cannot read. */
  readonly token?: string | undefined;
};
