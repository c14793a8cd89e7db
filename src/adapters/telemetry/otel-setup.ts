// OpenTelemetry for the process: the Azure Monitor distro when Application Insights is configured, a pull reader for
// /api/metrics, trace context across the run queue; once per process, as OpenTelemetry's globals are.
import { context, metrics, propagation, type Meter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { useInstrumenter } from '@azure/core-tracing';
import { createOpenTelemetryInstrumenter } from '@azure/opentelemetry-instrumentation-azure-sdk';
import type * as AzureMonitor from '@azure/monitor-opentelemetry';
import type * as FunctionsInstrumentation from '@azure/functions-opentelemetry-instrumentation';

export type TelemetryStart = {
  /** Application Insights; unset, nothing leaves the process. */
  readonly connectionString: string | undefined;
  readonly serviceVersion: string;
  /** Told when Application Insights cannot be reached from here (a malformed connection string). */
  readonly warn: (text: string) => void;
};

export type TelemetryHandle = {
  readonly meter: Meter;
  /** Every metric now, in Prometheus text. */
  metricsText(): Promise<string>;
};

/** Collects on demand: /api/metrics pulls, nothing is pushed. */
class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let started: TelemetryHandle | undefined;

/** Starts telemetry once; later calls (a second runtime in one test process) get the same handle. */
export function startTelemetry(opts: TelemetryStart): TelemetryHandle {
  if (started) return started;
  const { meter, reader } = opts.connectionString ? startAzureMonitorOrLocal(opts) : startLocal(opts);
  const serializer = new PrometheusSerializer(undefined, false);
  started = {
    meter,
    metricsText: async () => serializer.serialize((await reader.collect()).resourceMetrics),
  };
  return started;
}

// Telemetry never stops ClouDO: the distro throws on a connection string it cannot parse, and this runs as the
// Functions app loads, so a throw would take every function down. Metrics and spans then stay in the process.
// A reader binds to one provider, so the fallback gets a fresh one whatever the distro did before throwing.
function startAzureMonitorOrLocal(opts: TelemetryStart): Started {
  try {
    const reader = new PullReader();
    return { meter: startAzureMonitor(opts.connectionString ?? '', reader), reader };
  } catch (err) {
    opts.warn(`telemetry: Application Insights not started, nothing leaves the process: ${String(err)}`);
    return startLocal(opts);
  }
}

type Started = { readonly meter: Meter; readonly reader: MetricReader };

// The distro registers the global providers, exports to Application Insights and traces the Azure SDK's calls; the
// Functions instrumentation joins the host's own request to them, so a trigger, its queue hop and its run are one
// trace in Application Insights. It patches @azure/functions as it loads: this must run before that module does.
function startAzureMonitor(connectionString: string, reader: MetricReader): Meter {
  // Loaded only here: the distro pulls in much that the local runtime and the CLI never need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { useAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof AzureMonitor;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const functions = require('@azure/functions-opentelemetry-instrumentation') as typeof FunctionsInstrumentation;
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    metricReaders: [reader],
    // No HTTP instrumentation: its span of every request reaching the process keeps the raw query, a function key
    // (`?code=`) or an approval link's signature. The host's request, ClouDO's span per answer and the SDK's own
    // spans say what happened without it.
    instrumentationOptions: { azureSdk: { enabled: true }, http: { enabled: false } },
  });
  // The Azure SDK may be loaded already (this module imports its tracing core): switched on directly, as locally.
  useInstrumenter(createOpenTelemetryInstrumenter());
  // Built against an older instrumentation base than ours: the same interface, another copy of its types.
  const hostJoin = new functions.AzureFunctionsInstrumentation() as unknown as Instrumentation;
  registerInstrumentations({ instrumentations: [hostJoin] });
  return metrics.getMeter('cloudo');
}

// Locally: a meter provider of our own for /api/metrics, W3C trace context, and async context so spans nest; a
// tracer provider registered by whoever wants the spans (a test, a developer's exporter) receives them.
function startLocal(opts: TelemetryStart): Started {
  const reader = new PullReader();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // The SDK is loaded long before this runs, so its tracing is switched on directly rather than by patching.
  useInstrumenter(createOpenTelemetryInstrumenter());
  const resource = resourceFromAttributes({ 'service.name': 'cloudo', 'service.version': opts.serviceVersion });
  const provider = new MeterProvider({ resource, readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  return { meter: provider.getMeter('cloudo'), reader };
}
