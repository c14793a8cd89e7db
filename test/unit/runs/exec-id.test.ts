// Execution ids: readable UTC ids whose row keys list newest first, and time-range bounds.
import { describe, expect, it } from 'vitest';
import { execIdFromRowKey, execRowKey, isExecId, newExecId, toRowKeyRange } from '../../../src/domain/runs/exec-id';

describe('execution ids', () => {
  it('are readable UTC stamps with a random tail', () => {
    const id = newExecId(new Date('2026-11-22T10:15:02.123Z'), '3f9a1c2b');
    expect(id).toBe('20261122T101502123Z-3f9a1c2b');
    expect(isExecId(id)).toBe(true);
    expect(isExecId(newExecId(new Date()))).toBe(true);
    expect(['', 'x', '20261322T101502123Z-3f9a1c2b', `${id}0`].map(isExecId)).toEqual([false, false, false, false]);
  });

  it('map to row keys that sort newest first and back', () => {
    const older = newExecId(new Date('2026-01-01T00:00:00.000Z'), 'aaaaaaaa');
    const newer = newExecId(new Date('2026-01-01T00:00:00.001Z'), 'aaaaaaaa');
    expect(execRowKey(newer) < execRowKey(older)).toBe(true);
    expect(execIdFromRowKey(execRowKey(older))).toBe(older);
  });

  it('bound a time range inclusively', () => {
    const at = new Date('2026-05-05T05:05:05.005Z');
    const key = execRowKey(newExecId(at, 'ffffffff'));
    const { from, before } = toRowKeyRange(at, at);
    expect(from !== undefined && key >= from).toBe(true);
    expect(before !== undefined && key < before).toBe(true);
    const later = execRowKey(newExecId(new Date(at.getTime() + 1), '00000000'));
    expect(later >= (from ?? '')).toBe(false);
  });
});
