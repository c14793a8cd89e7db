// One trace from trigger to run: the request's span, the queue hop (the message's traceparent) and the worker's run,
// with the run's identity and outcome on it, and no secret in any attribute.
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';
import { readUntil } from '../../support/poll';

const SECRET = 'tr4ce-s3cret-value';
const RUNBOOKS = { 'greet.sh': '#!/usr/bin/env bash\necho "hello $CLOUDO_PARAM_NAME"\n' };
const MAPPINGS = mappingDoc('traced', [
  {
    id: 'greet',
    name: 'greet',
    runbook: 'greet.sh',
    params: { NAME: { type: 'string', required: true }, TOKEN: { type: 'string', secret: true } },
  },
]);

describe('traces', () => {
  // Registered before the runtime starts, as a developer's own exporter would be; the file's process is its own.
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  let rt: TestRuntime;
  let execId: string;
  beforeAll(async () => {
    rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
    const res = await call('POST', `${rt.url}/api/Trigger?id=greet`, { params: { NAME: 'Ada', TOKEN: SECRET } });
    execId = String(res.body['execId']);
    await waitForTerminal(rt.url, execId);
  });
  afterAll(async () => rt?.stop());

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const runSpan = () => spans().find((s) => s.kind === 4 && s.attributes['cloudo.exec_id'] === execId);

  it('links the trigger request and the worker run in one trace', async () => {
    const run = await readUntil(
      async () => runSpan(),
      (s) => s?.attributes['cloudo.status'] === 'succeeded',
      10_000,
    );
    const request = spans().find((s) => s.name === 'POST Trigger' && s.attributes['cloudo.exec_id'] === execId);
    expect(request).toBeDefined();
    expect(run!.spanContext().traceId).toBe(request!.spanContext().traceId);
    expect(run!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    expect(run!.attributes).toMatchObject({
      'cloudo.mapping': 'traced/greet',
      'cloudo.trigger': 'manual',
      'cloudo.exit_code': 0,
    });
    expect(request!.attributes).toMatchObject({ 'http.route': 'Trigger', 'http.response.status_code': 202 });
  });

  it('traces the storage and queue calls inside the same trace', () => {
    const traceId = runSpan()!.spanContext().traceId;
    const inTrace = spans().filter((s) => s.spanContext().traceId === traceId);
    // The Azure SDK's own spans: the record written, the message sent, the record read and replaced by the worker.
    expect(inTrace.filter((s) => s.kind === 2 /* CLIENT */).length).toBeGreaterThanOrEqual(3);
  });

  it('puts no secret in any span', () => {
    for (const s of spans()) {
      expect(JSON.stringify({ name: s.name, attributes: s.attributes, events: s.events })).not.toContain(SECRET);
    }
  });
});
