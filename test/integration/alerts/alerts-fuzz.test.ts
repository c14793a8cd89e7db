// Property: whatever JSON a sender posts, the Trigger endpoint answers without a 5xx and keeps serving.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappingDoc, startTestRuntime, type TestRuntime } from '../../support/test-runtime';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: mappingDoc('p', [{ id: 'noop', name: 'noop', runbook: 'noop.sh' }]),
    runbooks: { 'noop.sh': 'true\n' },
  });
});
afterAll(async () => rt?.stop());

// Shapes close to real payloads reach deeper than arbitrary JSON does.
const alertish = fc.oneof(
  fc.jsonValue(),
  fc.record({ schemaId: fc.constant('azureMonitorCommonAlertSchema'), data: fc.jsonValue() }),
  fc.record({
    schemaId: fc.constant('azureMonitorCommonAlertSchema'),
    data: fc.record({ essentials: fc.jsonValue() }),
  }),
  fc.record({ version: fc.constant('4'), alerts: fc.array(fc.jsonValue(), { maxLength: 4 }) }),
  fc.record({
    version: fc.constant('4'),
    alerts: fc.array(fc.record({ status: fc.jsonValue(), labels: fc.jsonValue(), startsAt: fc.jsonValue() }), {
      maxLength: 3,
    }),
  }),
);

describe('Trigger with arbitrary JSON', () => {
  it('never answers 5xx, for ingestion and dry runs', async () => {
    await fc.assert(
      fc.asyncProperty(alertish, fc.boolean(), async (body, dryRun) => {
        const res = await fetch(`${rt.url}/api/Trigger${dryRun ? '?dry_run=true' : ''}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        await res.text();
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 80 },
    );
    expect((await fetch(`${rt.url}/api/health`)).status).toBe(200);
  });
});
