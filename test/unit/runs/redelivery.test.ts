// When a queued run's message is sent again, and when ClouDO gives up on it: doubling waits, a bounded count.
import { describe, expect, it } from 'vitest';
import { newExecution, type Execution } from '../../../src/domain/runs/execution';
import {
  countRequeue,
  readLastSentAt,
  MAX_QUEUED_HOURS,
  MAX_REQUEUES,
  nextRedeliveryStep,
} from '../../../src/domain/runs/redelivery';
import { sampleMapping } from '../../support/fixtures';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const queued = (): Execution =>
  newExecution({ execId: 'x', mapping: sampleMapping(), trigger: 'manual', now: T0, defaultTimeoutSeconds: 60 });

describe('nextRedeliveryStep', () => {
  it('waits for the grace period, then sends again, with each wait twice the one before', () => {
    let e = queued();
    expect(nextRedeliveryStep(e, at(119), 120).kind).toBe('wait');
    expect(nextRedeliveryStep(e, at(120), 120).kind).toBe('requeue');
    e = countRequeue(e, at(120));
    expect(nextRedeliveryStep(e, at(120 + 239), 120).kind).toBe('wait');
    expect(nextRedeliveryStep(e, at(120 + 240), 120).kind).toBe('requeue');
    e = countRequeue(e, at(360));
    expect(nextRedeliveryStep(e, at(360 + 479), 120).kind).toBe('wait');
    expect(nextRedeliveryStep(e, at(360 + 480), 120).kind).toBe('requeue');
  });

  it(`gives up after ${MAX_REQUEUES} re-deliveries, saying why`, () => {
    let e = queued();
    for (let i = 0; i < MAX_REQUEUES; i++) e = countRequeue(e, at(i));
    expect(nextRedeliveryStep(e, at(9), 1)).toEqual({ kind: 'wait' });
    expect(nextRedeliveryStep(e, at(100), 1)).toEqual({
      kind: 'give_up',
      reason: `never reached a worker: no worker took it after ${MAX_REQUEUES} re-deliveries`,
    });
  });

  it('waits out a backlog in its queue instead of giving up, for up to a day', () => {
    let e = queued();
    for (let i = 0; i < MAX_REQUEUES; i++) e = countRequeue(e, at(i));
    expect(nextRedeliveryStep(e, at(100), 1, { backlog: true })).toEqual({ kind: 'wait' });
    expect(nextRedeliveryStep(e, at(MAX_QUEUED_HOURS * 3600), 1, { backlog: true })).toEqual({
      kind: 'give_up',
      reason: `never reached a worker: no worker took it within ${MAX_QUEUED_HOURS} h`,
    });
    expect(nextRedeliveryStep(e, at(100), 1, { poisoned: true })).toEqual({
      kind: 'give_up',
      reason: `never reached a worker: its message was poisoned after ${MAX_REQUEUES} re-deliveries`,
    });
  });

  it('does not wait for a message known to be poisoned', () => {
    expect(nextRedeliveryStep(queued(), T0, 120, { poisoned: true }).kind).toBe('requeue');
  });

  it('leaves runs that are not queued alone', () => {
    expect(nextRedeliveryStep({ ...queued(), status: 'running' }, at(10_000), 1).kind).toBe('wait');
  });

  it('counts an approved run from its decision, not from its request', () => {
    const approved = { ...queued(), approval: { expiresAt: '', because: 'mapping' as const, fourEyes: false } };
    const decided = { ...approved, approval: { ...approved.approval, decidedAt: at(3600).toISOString() } };
    expect(readLastSentAt(decided)).toBe(at(3600).toISOString());
    expect(nextRedeliveryStep(decided, at(3600 + 60), 120).kind).toBe('wait');
  });
});
