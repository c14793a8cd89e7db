// Approval state: decisions move a pending run exactly once, expiry wins over late decisions, four eyes holds.
import { describe, expect, it } from 'vitest';
import { decide, expire, isExpired } from '../../../src/domain/approvals/approval-decision';
import { AppError } from '../../../src/domain/shared/errors';
import { newExecution, type Execution } from '../../../src/domain/runs/execution';
import { canTransition } from '../../../src/domain/runs/execution-status';
import { sampleMapping } from '../../support/fixtures';

const now = new Date('2026-11-22T10:00:00Z');
const signedIn = (name: string) => ({ name, signedIn: true });
const later = (min: number) => new Date(now.getTime() + min * 60_000);

function pending(fourEyes = false, requestedBy = 'bob'): Execution {
  return newExecution({
    execId: '20261122T100000000Z-00000001',
    mapping: sampleMapping({ requireApproval: true, fourEyes }),
    trigger: 'manual',
    now,
    defaultTimeoutSeconds: 60,
    requestedBy,
    admission: {
      status: 'pending_approval',
      approval: { expiresAt: later(60).toISOString(), because: 'mapping', fourEyes },
    },
  });
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return undefined;
};

describe('approval state', () => {
  it('approve queues the run and records who decided', () => {
    const e = decide(pending(), 'approve', signedIn('alice'), later(1));
    expect(e.status).toBe('queued');
    expect(e.approval).toMatchObject({ decidedBy: 'alice', decidedAt: later(1).toISOString() });
  });

  it('reject ends the run', () => {
    const e = decide(pending(), 'reject', signedIn('alice'), later(1));
    expect(e).toMatchObject({ status: 'rejected', error: 'rejected by alice', finishedAt: later(1).toISOString() });
  });

  it('a decided run cannot be decided again', () => {
    const approved = decide(pending(), 'approve', signedIn('alice'), later(1));
    expect(codeOf(() => decide(approved, 'approve', signedIn('carol'), later(2)))).toBe('conflict');
    expect(codeOf(() => decide(approved, 'reject', signedIn('carol'), later(2)))).toBe('conflict');
  });

  it('past its expiry a run is gone, even before the timer marks it', () => {
    expect(codeOf(() => decide(pending(), 'approve', signedIn('alice'), later(60)))).toBe('gone');
    expect(isExpired(pending(), later(59))).toBe(false);
    expect(isExpired(pending(), later(60))).toBe(true);
    expect(expire(pending(), later(61))).toMatchObject({ status: 'expired', finishedAt: later(61).toISOString() });
  });

  it('four eyes: the requester may reject but not approve, whatever the case of the name', () => {
    expect(
      codeOf(() => decide(pending(true, 'Bob@Example.com'), 'approve', signedIn('bob@example.com '), later(1))),
    ).toBe('forbidden');
    expect(decide(pending(true, 'bob'), 'reject', signedIn('bob'), later(1)).status).toBe('rejected');
    expect(decide(pending(true, 'bob'), 'approve', signedIn('alice'), later(1)).status).toBe('queued');
    expect(decide(pending(false, 'bob'), 'approve', signedIn('bob'), later(1)).status).toBe('queued');
    const typed = { name: 'alice', signedIn: false };
    expect(codeOf(() => decide(pending(true, 'bob'), 'approve', typed, later(1)))).toBe('forbidden');
  });

  it('allows only the documented transitions', () => {
    expect(canTransition('pending_approval', 'queued')).toBe(true);
    expect(canTransition('pending_approval', 'running')).toBe(false);
    expect(canTransition('throttled', 'queued')).toBe(false);
    expect(canTransition('expired', 'queued')).toBe(false);
  });
});
