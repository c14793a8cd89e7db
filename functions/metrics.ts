// Metrics function: GET /api/metrics answers every ClouDO metric in Prometheus text, for a scraper; Admins only, and
// only where CLOUDO_METRICS_ENDPOINT is on (the local runtime's default; off on Azure, where metrics go to
// Application Insights).
import type { HttpFunctionOptions } from '@azure/functions';
import type { CloudoConfig } from '../src/config/load-config';
import type { Provide } from '../src/composition/service-groups';
import { notFound } from '../src/domain/shared/errors';
import { authLevelFor, createGuardedHandler, type GuardFor } from '../src/http/guarded-handler';
import { parseQuery } from '../src/http/query-params';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export function defineMetricsFunction(
  config: CloudoConfig,
  services: Provide<'telemetry'>,
  guardFor: GuardFor,
): HttpFunctionOptions {
  const guard = guardFor('people', 'admin');
  return {
    route: 'metrics',
    methods: ['GET'],
    authLevel: authLevelFor(guard),
    handler: createGuardedHandler(guard, async (request) => {
      parseQuery(request, {});
      if (config.telemetry.metricsEndpoint !== true) {
        throw notFound('The metrics endpoint is off: set CLOUDO_METRICS_ENDPOINT=on to scrape /api/metrics.');
      }
      const body = await services().metricsText();
      return { status: 200, headers: { 'Content-Type': PROMETHEUS_TEXT, 'Cache-Control': 'no-store' }, body };
    }),
  };
}
