// On-call test harness: an Opsgenie stand-in and a local runtime pointed at it, started and stopped around a file.
import { afterAll, beforeAll } from 'vitest';
import { startOpsgenieStub, type OpsgenieStub } from './opsgenie-stub';
import { startTestRuntime, type TestRuntime, type TestRuntimeOptions } from './test-runtime';

export type OncallHarness = { rt: TestRuntime; og: OpsgenieStub };

/** Registers beforeAll/afterAll; `options` gets the stand-in, to point OPSGENIE_API_URL (or a webhook) at it. */
export function useOncallRuntime(options: (og: OpsgenieStub) => TestRuntimeOptions): OncallHarness {
  const h = {} as OncallHarness;
  beforeAll(async () => {
    h.og = await startOpsgenieStub();
    h.rt = await startTestRuntime(options(h.og));
  });
  afterAll(async () => {
    await h.rt?.stop();
    await h.og?.close();
  });
  return h;
}
