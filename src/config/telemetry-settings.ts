// Telemetry settings: where traces and metrics go (Application Insights), and whether /api/metrics answers.
import { z } from 'zod';

export const telemetrySchema = z.object({
  // Set by the Functions host from the app's Application Insights: traces and metrics go there through the Azure
  // Monitor OpenTelemetry distro. Unset: nothing leaves the process (the local runtime, tests).
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
  // `on`: GET /api/metrics answers in Prometheus text (Admins, or the function key without sign-in). Default: off on
  // Azure, on for the local runtime.
  CLOUDO_METRICS_ENDPOINT: z.enum(['on', 'off'], 'must be "on" or "off"').optional(),
});

export type TelemetryConfig = {
  readonly connectionString: string | undefined;
  /** Undefined: the deployment's default (off on Azure, on locally; see localTelemetry). */
  readonly metricsEndpoint: boolean | undefined;
};

export function toTelemetryConfig(s: z.output<typeof telemetrySchema>): TelemetryConfig {
  const setting = s.CLOUDO_METRICS_ENDPOINT;
  return {
    connectionString: s.APPLICATIONINSIGHTS_CONNECTION_STRING,
    metricsEndpoint: setting === undefined ? undefined : setting === 'on',
  };
}

/** The local runtime's default: /api/metrics on, for a scraper or a look with curl. */
export function localTelemetry(t: TelemetryConfig): TelemetryConfig {
  return { ...t, metricsEndpoint: t.metricsEndpoint ?? true };
}
