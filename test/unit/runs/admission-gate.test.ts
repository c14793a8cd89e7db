// The admission gate: at most `limit` at once, first come first served, and a clear 429 for whoever cannot start.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/shared/errors';
import { createAdmissionGate } from '../../../src/services/runs/admission-gate';

function deferred() {
  let release: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('createAdmissionGate', () => {
  it('runs at most `limit` at once and hands each freed slot to the longest waiting request', async () => {
    const gate = createAdmissionGate({ limit: 2, maxWaitMs: 60_000 });
    const started: number[] = [];
    const holds = [deferred(), deferred(), deferred(), deferred()];
    const runs = holds.map((h, i) => gate(async () => (started.push(i), await h.done, i)));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    holds[1]!.release();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    holds.forEach((h) => h.release());
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
  });

  it('refuses a request that could not start within maxWaitMs, saying when to retry, and never runs it', async () => {
    const gate = createAdmissionGate({ limit: 1, maxWaitMs: 20 });
    const hold = deferred();
    const first = gate(() => hold.done);
    let ran = false;
    const refused = await gate(async () => void (ran = true)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'overloaded', details: { retryAfterSeconds: 1 } });
    hold.release();
    await first;
    expect(ran).toBe(false);
    // The slot is free again.
    expect(await gate(async () => 'next')).toBe('next');
  });

  it('refuses at once when the line is already longer than can be served in time', async () => {
    const gate = createAdmissionGate({ limit: 1, maxWaitMs: 60_000 });
    const hold = deferred();
    const running = gate(() => hold.done);
    const line = Array.from({ length: 8 }, () => gate(async () => 'served'));
    await expect(gate(async () => 'too many')).rejects.toMatchObject({ code: 'overloaded' });
    hold.release();
    await running;
    expect(await Promise.all(line)).toEqual(Array(8).fill('served'));
  });

  it('frees the slot of work that failed', async () => {
    const gate = createAdmissionGate({ limit: 1, maxWaitMs: 0 });
    await expect(gate(() => Promise.reject(new Error('storage')))).rejects.toThrow('storage');
    expect(await gate(async () => 'ok')).toBe('ok');
  });
});
