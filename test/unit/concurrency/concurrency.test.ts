// Concurrency policies: what a mapping file may declare, the keys slots count under, and how waiting runs are
// told apart from stranded ones.
import { describe, expect, it } from 'vitest';
import { mappingDocumentSchema } from '../../../src/domain/mappings/mapping-schema';
import { toMapping, toMappingView } from '../../../src/domain/mappings/mapping';
import { describeBusy, runConcurrency } from '../../../src/domain/concurrency/concurrency';
import { newExecution, markWaiting, skipQueued, startExecution } from '../../../src/domain/runs/execution';
import { countRequeue, MAX_REQUEUES, nextRedeliveryStep } from '../../../src/domain/runs/redelivery';
import { sampleMapping } from '../../support/fixtures';

const doc = (entity: Record<string, unknown>) =>
  mappingDocumentSchema.safeParse([
    { partition_key: 'p', entity: [{ id: 'm', name: 'm', runbook: 'x.sh', ...entity }] },
  ]);
const issue = (entity: Record<string, unknown>) => {
  const first = doc(entity).error?.issues[0];
  return first ? `${first.path.slice(3).join('.')}: ${first.message}` : 'ok';
};

describe('concurrency declarations', () => {
  it('defaults to one run at a time per mapping, waiting in line', () => {
    const parsed = doc({ concurrency: {} });
    const entity = parsed.data?.[0]?.entity[0];
    expect(entity?.concurrency).toEqual({ limit: 1, per: 'mapping', onBusy: 'queue' });
    const m = toMapping('p', entity!);
    expect(toMappingView(m)['concurrency']).toEqual({ limit: 1, per: 'mapping', on_busy: 'queue' });
  });

  it.each([
    [{ limit: 0 }, /^concurrency\.limit: /],
    [{ limit: 101 }, /^concurrency\.limit: /],
    [{ limit: 1.5 }, /^concurrency\.limit: /],
    [{ per: 'cluster' }, /^concurrency\.per: /],
    [{ on_busy: 'drop' }, /^concurrency\.on_busy: /],
    [{ limt: 2 }, /^concurrency: .*limt/],
  ])('refuses %j, naming the field', (concurrency, message) => {
    expect(issue({ concurrency })).toMatch(message);
  });

  it('counts per resource case-insensitively, and runs without a resource under one key', () => {
    const policy = { limit: 2, per: 'resource', onBusy: 'skip' } as const;
    const a = runConcurrency('p', 'm', policy, '/subscriptions/S/vm-A');
    expect(runConcurrency('p', 'm', policy, '/subscriptions/s/VM-a').key).toBe(a.key);
    expect(runConcurrency('p', 'm', policy, '/subscriptions/s/vm-b').key).not.toBe(a.key);
    expect(runConcurrency('p', 'm', { ...policy, per: 'mapping' }, '/x').key).toBe('p|m');
  });

  it('says why a run waits or is skipped', () => {
    const holders = [{ execId: 'e1', since: '' }];
    expect(describeBusy({ limit: 1, per: 'resource', onBusy: 'skip' }, holders, 0)).toBe(
      'concurrency limit reached (1 run at a time on this resource); running: e1',
    );
    expect(describeBusy({ limit: 2, per: 'mapping', onBusy: 'queue' }, holders, 3)).toBe(
      'waiting for a concurrency slot (2 runs at a time); last checked: running e1, 3 ahead in line',
    );
  });
});

describe('runs held back by their concurrency policy', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const queued = newExecution({
    execId: '20260301T000000000Z-00000001',
    mapping: sampleMapping(),
    trigger: 'manual',
    now,
    defaultTimeoutSeconds: 60,
  });

  it('waits queued, keeping when it started waiting, and forgets it once started', () => {
    const waiting = markWaiting(queued, 'first', now);
    const again = markWaiting(waiting, 'second', new Date(now.getTime() + 5000));
    expect(again.waiting).toEqual({ reason: 'second', since: now.toISOString() });
    expect(startExecution(again, now).waiting).toBeUndefined();
  });

  it('is skipped from the queue with its reason and nothing sealed', () => {
    const withSecret = { ...queued, params: { values: {}, secretNames: ['T'], sealed: 'x' } };
    const skipped = skipQueued(withSecret, 'busy', now);
    expect(skipped).toMatchObject({ status: 'skipped', error: 'busy', finishedAt: now.toISOString() });
    expect(skipped.params?.sealed).toBeUndefined();
  });

  it('is sent again now and then, never counted and never given up, while it waits', () => {
    let e = markWaiting(queued, 'in line', now);
    for (let i = 0; i < MAX_REQUEUES + 3; i++) {
      const later = new Date(Date.parse(e.requeuedAt ?? e.requestedAt) + 120_000);
      expect(nextRedeliveryStep(e, new Date(later.getTime() - 1), 120)).toEqual({ kind: 'wait' });
      expect(nextRedeliveryStep(e, later, 120)).toEqual({ kind: 'requeue' });
      e = countRequeue(e, later);
    }
    expect(e.requeues ?? 0).toBe(0);
  });
});
