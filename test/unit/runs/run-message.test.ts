// Run messages: the execution's id decides, the trace context only rides along.
import { describe, expect, it } from 'vitest';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { runMessageSchema } from '../../../src/domain/runs/run-message';

const execId = newExecId(new Date('2026-12-01T10:00:00Z'), 'abcd1234');
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('run message', () => {
  it('keeps a trace context', () => {
    expect(runMessageSchema.parse({ v: 1, execId, traceparent: TRACEPARENT })).toEqual({
      v: 1,
      execId,
      traceparent: TRACEPARENT,
    });
  });

  it('drops a trace context that is not one, and keeps the run', () => {
    for (const traceparent of ['nope', 42, TRACEPARENT.toUpperCase(), `${TRACEPARENT}\n`]) {
      expect(runMessageSchema.parse({ v: 1, execId, traceparent })).toEqual({ v: 1, execId });
    }
  });

  it('refuses a message without a valid execution id', () => {
    expect(runMessageSchema.safeParse({ v: 1, execId: 'x', traceparent: TRACEPARENT }).success).toBe(false);
  });
});
