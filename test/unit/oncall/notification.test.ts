// The outbox rules: retry backoff, giving up, due times, and which events owe which notifications.
import { describe, expect, it } from 'vitest';
import { newExecution, type Execution } from '../../../src/domain/runs/execution';
import { recordAttempt, isDue, newNotification } from '../../../src/domain/oncall/notification';
import { onDecision, onFinish, hasOnlyOutboxChanged, onRecord, rebase } from '../../../src/domain/oncall/notify-plan';
import { sampleMapping } from '../../support/fixtures';

const t0 = new Date('2026-11-22T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const both = { opsgenie: true, chat: true };

const exec = (status: Execution['status'], oncall = true): Execution => ({
  ...newExecution({
    execId: '20261122T100000000Z-00000002',
    mapping: sampleMapping({ oncall }),
    trigger: 'manual',
    now: t0,
    defaultTimeoutSeconds: 60,
  }),
  status,
});

describe('notification delivery state', () => {
  const n = newNotification('opsgenie', 'create', 'failure', 'a', t0);

  it('records a success with its request id', () => {
    expect(recordAttempt(n, { ok: true, requestId: 'r1' }, at(1000))).toMatchObject({
      state: 'sent',
      attempts: 1,
      requestId: 'r1',
      sentAt: at(1000).toISOString(),
    });
  });

  it('backs off on retryable failures, gives up on permanent ones and after a day', () => {
    const once = recordAttempt(n, { ok: false, retryable: true, error: '503' }, at(0));
    expect(once).toMatchObject({
      state: 'failing',
      attempts: 1,
      lastError: '503',
      nextAttemptAt: at(60_000).toISOString(),
    });
    const twice = recordAttempt(once, { ok: false, retryable: true, error: '503' }, at(60_000));
    expect(twice.nextAttemptAt).toBe(at(180_000).toISOString());
    expect(recordAttempt(n, { ok: false, retryable: false, error: '400' }, at(0)).state).toBe('failed');
    expect(recordAttempt(n, { ok: false, retryable: true, error: '503' }, at(24 * 3600_000)).state).toBe('failed');
  });

  it('leaves a fresh notification to its recorder for a grace period', () => {
    expect(isDue(n, at(1000))).toBe(false);
    expect(isDue(n, at(59_000))).toBe(false);
    expect(isDue(n, at(60_000))).toBe(true);
    const failing = recordAttempt(n, { ok: false, retryable: true, error: 'x' }, at(0));
    expect(isDue(failing, at(59_000))).toBe(false);
    expect(isDue(failing, at(60_000))).toBe(true);
    expect(isDue(recordAttempt(n, { ok: true }, at(0)), at(999_999))).toBe(false);
  });
});

describe('notification plan', () => {
  const kinds = (ns: { channel: string; action: string; kind: string }[]) =>
    ns.map((x) => `${x.channel}:${x.action}:${x.kind}`);

  it('pages on-call failures on every configured channel, and nothing for other mappings', () => {
    for (const status of ['failed', 'timed_out', 'error'] as const)
      expect(kinds(onFinish(exec(status), both, false, t0))).toEqual([
        'opsgenie:create:failure',
        'chat:create:failure',
      ]);
    expect(onFinish(exec('failed', false), both, false, t0)).toEqual([]);
    expect(kinds(onFinish(exec('failed'), { opsgenie: false, chat: true }, false, t0))).toEqual([
      'chat:create:failure',
    ]);
  });

  it('pages nobody for a cancelled run: a person stopped it on purpose', () => {
    expect(onFinish(exec('cancelled'), both, true, t0)).toEqual([]);
    // A run cancelled while it waited for approval: the request for a decision is closed, nobody is paged.
    expect(kinds(onDecision(exec('cancelled'), both, t0))).toEqual(['opsgenie:close:decided']);
  });

  it('closes an open page on success, and only then', () => {
    expect(kinds(onFinish(exec('succeeded'), both, true, t0))).toEqual(['opsgenie:close:recovered']);
    expect(onFinish(exec('succeeded'), both, false, t0)).toEqual([]);
  });

  it('asks for approval, pages a spent budget, and closes the request once decided', () => {
    expect(kinds(onRecord(exec('pending_approval', false), both, t0))).toEqual([
      'opsgenie:create:approval',
      'chat:create:approval',
    ]);
    expect(kinds(onRecord(exec('throttled'), both, t0))).toEqual([
      'opsgenie:create:throttled',
      'chat:create:throttled',
    ]);
    expect(onRecord(exec('queued'), both, t0)).toEqual([]);
    expect(kinds(onDecision(exec('queued'), both, t0))).toEqual(['opsgenie:close:decided']);
    expect(kinds(onDecision(exec('expired'), both, t0))).toEqual([
      'opsgenie:close:decided',
      'opsgenie:create:expired',
      'chat:create:expired',
    ]);
  });
});

describe('outbox-only changes', () => {
  const base = exec('running');
  const delivered = { ...base, notifications: [newNotification('chat', 'create', 'failure', '', t0)] };

  it('ignores field order, as records read back from storage have their own', () => {
    const reordered = Object.fromEntries(Object.entries(delivered).reverse()) as unknown as Execution;
    expect(hasOnlyOutboxChanged(base, reordered)).toBe(true);
  });

  it('sees a change of substance', () => {
    expect(hasOnlyOutboxChanged(base, { ...delivered, status: 'succeeded' })).toBe(false);
  });

  it('re-applies a change on top of the delivered outbox', () => {
    const finished = {
      ...base,
      status: 'failed' as const,
      notifications: [newNotification('opsgenie', 'create', 'failure', 'a', t0)],
    };
    const rebased = rebase(finished, base, delivered);
    expect(rebased.status).toBe('failed');
    expect(rebased.notifications?.map((n) => n.channel)).toEqual(['chat', 'opsgenie']);
  });
});
