// Telemetry for the process: started once (OpenTelemetry's providers are global), with the run metrics every
// service reports to.
import { startTelemetry } from '../adapters/telemetry/otel-setup';
import { createRunMetrics, type RunMetrics } from '../adapters/telemetry/run-metrics';
import { appVersionOf } from '../adapters/shared/app-version';
import type { CloudoConfig } from '../config/load-config';

export type ProcessTelemetry = {
  readonly metrics: RunMetrics;
  /** Every metric now, in Prometheus text: GET /api/metrics. */
  metricsText(): Promise<string>;
};

let wired: ProcessTelemetry | undefined;

/** The first call starts telemetry with its settings; later calls (another runtime in the same process) share it. */
export function processTelemetry(config: Pick<CloudoConfig, 'telemetry' | 'auth'>): ProcessTelemetry {
  if (wired) return wired;
  const handle = startTelemetry({
    connectionString: config.telemetry.connectionString,
    serviceVersion: appVersionOf(config.auth.appVersion),
    // Before any function is registered, so the host's log: the worker's stderr.
    warn: (text) => console.warn(text),
  });
  wired = { metrics: createRunMetrics(handle.meter), metricsText: () => handle.metricsText() };
  return wired;
}
