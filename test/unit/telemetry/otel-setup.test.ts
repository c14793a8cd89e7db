// Starting telemetry never stops ClouDO: a connection string the Azure Monitor distro refuses leaves metrics in the
// process (this file's process is its own, as OpenTelemetry's providers are global).
import { describe, expect, it } from 'vitest';
import { startTelemetry } from '../../../src/adapters/telemetry/otel-setup';

describe('starting telemetry', () => {
  it('keeps metrics in the process when Application Insights cannot be started', async () => {
    const warnings: string[] = [];
    const handle = startTelemetry({
      connectionString: 'InstrumentationKey=not-a-guid;IngestionEndpoint=https://127.0.0.1:9/',
      serviceVersion: 'test',
      warn: (text) => warnings.push(text),
    });
    handle.meter.createCounter('cloudo.test.started').add(1);
    expect(await handle.metricsText()).toContain('cloudo_test_started_total');
    expect(warnings.join('\n')).toMatch(/Application Insights not started/);
  });
});
