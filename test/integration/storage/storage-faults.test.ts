// Nothing accepted is lost, and nothing runs twice, while a storage service dies under a steady stream of triggers.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_LOST } from '../../../src/domain/runs/lost-run';
import { FINAL_STATUSES } from '../../../src/domain/runs/execution-status';
import type { AzuriteService, AzuriteServices } from '../../support/azurite-services';
import { startOwnStorage } from '../../support/fault-storage';
import { call, mappingDoc, startTestRuntime, type Json, type TestRuntime } from '../../support/test-runtime';

const REQUEUE_AFTER_SECONDS = 3;
const SWEEP_EVERY_SECONDS = 2;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

type Stream = {
  readonly accepted: string[];
  readonly refused: number[];
  /** Refused naming the run: storage failed as it was recorded and could not say within the wait whether it was. */
  readonly unsure: string[];
  stop(): Promise<void>;
};

/** One manual trigger every 50 ms until stopped; remembers what was accepted and how the rest was refused. */
function streamTriggers(url: string): Stream {
  const accepted: string[] = [];
  const refused: number[] = [];
  const unsure: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await fetch(`${url}/api/Trigger?id=count`, { method: 'POST' }).catch(() => null);
      const body = res ? ((await res.json()) as { execId?: string; error?: { execId?: string } }) : {};
      if (res && res.status >= 200 && res.status < 300 && body.execId) accepted.push(body.execId);
      else refused.push(res?.status ?? 0);
      if (body.error?.execId) unsure.push(body.error.execId);
      await sleep(50);
    }
  })();
  return { accepted, refused, unsure, stop: () => ((running = false), loop) };
}

async function setUp(): Promise<{ az: AzuriteServices; rt: TestRuntime; ranFile: string }> {
  const { az, ranFile } = await startOwnStorage('cloudo-faults-', cleanups);
  const rt = await startTestRuntime({
    connection: az.connectionString,
    mappings: mappingDoc('faults', [{ id: 'count', name: 'count', runbook: 'count.sh' }]),
    runbooks: { 'count.sh': 'echo "$CLOUDO_EXEC_ID" >> "$OUT_FILE"\n' },
    env: {
      OUT_FILE: ranFile,
      CLOUDO_RUNBOOK_ENV_ALLOW: 'OUT_FILE',
      CLOUDO_SWEEP_SCHEDULE: `*/${SWEEP_EVERY_SECONDS} * * * * *`,
      CLOUDO_REQUEUE_AFTER_SECONDS: String(REQUEUE_AFTER_SECONDS),
    },
    // A table outage poisons run messages within seconds, as maxDequeueCount does on Azure within a minute.
    queueOverrides: { visibilityTimeoutMs: 1000, maxDequeueCount: 3 },
  });
  cleanups.push(() => rt.stop());
  return { az, rt, ranFile };
}

describe('a storage service killed under load', () => {
  it.each<AzuriteService>(['queue', 'table'])(
    'ends every accepted trigger, running none twice, when the %s service is killed for 10 s',
    async (service) => {
      const { az, rt, ranFile } = await setUp();
      const stream = streamTriggers(rt.url);
      await sleep(3000);
      await az.kill(service);
      await sleep(10_000);
      await az.start(service);
      // The trigger in flight when the service died may wait for it to say whether its record landed (see submit).
      await sleep(5000);
      await stream.stop();

      expect(stream.accepted.length).toBeGreaterThan(20);
      // Refusals are retriable answers: storage unavailable, or load shed. Never a 500, never a dropped connection.
      expect(new Set(stream.refused)).toSatisfy((codes: Set<number>) =>
        [...codes].every((c) => c === 503 || c === 429),
      );
      // Sent again after REQUEUE_AFTER_SECONDS, picked up by a sweep every SWEEP_EVERY_SECONDS; a claim whose answer
      // died with the service is a run that may have started, so it ends `error` once its lease is over.
      const final = await Promise.all(stream.accepted.map((id) => finalRecord(rt.url, id, 120_000)));
      // A run whose insert's outcome was unknown when it was refused: if it was recorded after all, it ends too.
      const unsure = await Promise.all(stream.unsure.map((id) => finalRecord(rt.url, id, 120_000, true)));
      final.push(...unsure.filter((e): e is Json => e !== null));
      const ran = readFileSync(ranFile, 'utf8').split('\n').filter(Boolean);
      expect(ran.length).toBe(new Set(ran).size);
      const succeeded = final.filter((e) => e['status'] === 'succeeded').map((e) => String(e['execId']));
      expect(new Set(ran)).toEqual(new Set(succeeded));
      expect(final.filter((e) => e['status'] !== 'succeeded' && e['error'] !== WORKER_LOST)).toEqual([]);
    },
    240_000,
  );
});

/** The execution once final; fails on a 404 (an accepted run that is not recorded) or the deadline. */
async function finalRecord(url: string, execId: string, deadlineMs: number): Promise<Json>;
/** `mayBeMissing`: a run refused as unknown; null if it was not recorded. */
async function finalRecord(url: string, execId: string, deadlineMs: number, mayBeMissing: true): Promise<Json | null>;
async function finalRecord(url: string, execId: string, deadlineMs: number, mayBeMissing = false) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const { status, body } = await call('GET', `${url}/api/logs/${execId}`);
    if (status === 404 && mayBeMissing) return null;
    if (status === 404) throw new Error(`accepted execution ${execId} is not recorded`);
    if ((FINAL_STATUSES as readonly string[]).includes(String(body['status']))) return body;
    if (Date.now() > until) throw new Error(`execution ${execId} still ${String(body['status'])}`);
    await sleep(250);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
