// Schedules on the embedded runtime: two instances on one storage record exactly one run per due slot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUntil } from '../../support/poll';
import {
  call,
  mappingDoc,
  startPeerRuntime,
  startTestRuntime,
  waitForTerminal,
  type TestRuntime,
} from '../../support/test-runtime';

type Json = Record<string, unknown>;

const RUNBOOKS = {
  'tick.sh': '#!/usr/bin/env bash\necho "slot=$CLOUDO_SCHEDULED_FOR trigger=$CLOUDO_TRIGGER n=$CLOUDO_PARAM_N"\n',
};

const MAPPINGS = mappingDoc('clock', [
  {
    id: 'every-5s',
    name: 'every-5s',
    runbook: 'tick.sh',
    schedule: '*/5 * * * * *',
    params: { N: { type: 'integer', required: true } },
    schedule_params: { N: 7 },
  },
]);

let rt: TestRuntime;
let peer: Awaited<ReturnType<typeof startPeerRuntime>>;
beforeAll(async () => {
  rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
  peer = await startPeerRuntime(rt);
});
afterAll(async () => {
  await peer?.stop();
  await rt?.stop();
});

describe('schedules', () => {
  it('runs each 5-second slot exactly once across two runtimes sharing one storage', async () => {
    const runs = await readUntil(
      async () => ((await call('GET', `${rt.url}/api/logs?trigger=schedule&limit=200`)).body['items'] as Json[]) ?? [],
      (items) => items.length >= 4,
      60_000,
    );
    const slots = runs.map((e) => String(e['scheduledFor']));
    expect(new Set(slots).size).toBe(slots.length);
    for (const slot of slots) expect(new Date(slot).getUTCSeconds() % 5).toBe(0);
    // Both instances ticked every 5 s; the claim let only one record each slot.
    const recorded = [...rt.logs, ...peer.logs].filter((l) => / for its .* slot$/.test(l));
    expect(new Set(recorded.map((l) => /for its (\S+) slot/.exec(l)?.[1])).size).toBe(recorded.length);
    const done = await waitForTerminal(rt.url, String(runs[runs.length - 1]?.['execId']));
    const slot = String(done['scheduledFor']);
    expect(done).toMatchObject({ status: 'succeeded', trigger: 'schedule', requestedBy: 'schedule' });
    expect(done['output']).toBe(`slot=${slot} trigger=schedule n=7\n`);
  });
});
