// With Application Insights, an HTTP request reaching the process gets no span of the HTTP instrumentation: it would
// carry the raw query, a function key (`?code=`) or an approval link's signature, to Application Insights. ClouDO's
// own span per answer (the handler wrapper) names the function only.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelemetry } from '../../../src/adapters/telemetry/otel-setup';

// Nothing leaves the test: no usage reports, no live metrics, and an ingestion endpoint nobody listens on.
process.env['APPLICATION_INSIGHTS_NO_STATSBEAT'] = 'true';
process.env['APPLICATIONINSIGHTS_CONFIGURATION_CONTENT'] = '{"enableLiveMetrics":false}';

describe('incoming requests under the Azure Monitor distro', () => {
  const warnings: string[] = [];
  startTelemetry({
    connectionString: 'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
    serviceVersion: 'test',
    warn: (text) => warnings.push(text),
  });
  // Loaded after the distro, as @azure/functions loads its HTTP server (HTTP streaming) in functions/index.ts.
  const http = createRequire(__filename)('node:http') as typeof Http;
  const seen: (string | undefined)[] = [];
  const server = http.createServer((_req, res) => {
    seen.push(trace.getActiveSpan()?.spanContext().spanId);
    res.end('ok');
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('traces no request with its query', async () => {
    expect(warnings).toEqual([]);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
    const { port } = server.address() as AddressInfo;
    expect(await (await fetch(`http://127.0.0.1:${port}/api/Trigger?code=k3y-s3cret`)).text()).toBe('ok');
    expect(seen).toEqual([undefined]);
  });
});
