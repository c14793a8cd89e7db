// The CLI's check of ClouDO's answers against the API contract: the body as sent, or one line naming what is wrong.
import { describe, expect, it } from 'vitest';
import { checkAnswer, readAnswer, UnexpectedAnswer } from '../../../src/cli/read-answer';
import { outputSlice } from '../../../src/http/api-contract/executions';
import { schedulesAnswer } from '../../../src/http/api-contract/console-reads';

const slice = {
  execId: 'e1',
  status: 'running',
  exitCode: null,
  offset: 0,
  omittedBytes: 0,
  text: 'hello\n',
  nextOffset: 6,
  done: false,
};
const call = { method: 'GET', path: '/api/logs/e1/output' } as const;

describe('checkAnswer', () => {
  it('gives the body as ClouDO sent it, fields newer than the contract too', () => {
    const body = { ...slice, later: 'a field of a newer ClouDO' };
    expect(checkAnswer(outputSlice, call, body)).toBe(body);
  });

  it('names the call and the path of what was unexpected, on one line', () => {
    const bad = { items: [{ mapping: { partition_key: 'p', id: 'm', name: 'm' }, schedule: { cron: 1 } }] };
    const check = () => checkAnswer(schedulesAnswer, { method: 'GET', path: '/api/schedules' }, bad);
    expect(check).toThrow(UnexpectedAnswer);
    expect(check).toThrow(/^ClouDO answered GET \/api\/schedules with an unexpected body: items\.0\.schedule\.cron: /);
    expect(check).toThrow(/\(and \d+ more\)$/);
  });

  it('says so of a body that is not even an object, and keeps an approval link signature out', () => {
    const link = { method: 'POST', path: 'https://app.example/api/approvals/e1/approve?exp=1&sig=secret' } as const;
    const check = () => checkAnswer(outputSlice, link, '<html>sign in</html>');
    expect(check).toThrow(/^ClouDO answered POST \/api\/approvals\/e1\/approve with an unexpected body: the body: /);
    expect(check).not.toThrow(/secret/);
  });
});

describe('readAnswer', () => {
  it('calls, then checks, keeping the status', async () => {
    const op = { call: async () => ({ status: 202, body: slice }) };
    await expect(readAnswer(op, call, outputSlice)).resolves.toEqual({ status: 202, body: slice });
    const broken = { call: async () => ({ status: 200, body: { ...slice, done: 'yes' } }) };
    await expect(readAnswer(broken, call, outputSlice)).rejects.toThrow(/ with an unexpected body: done: /);
  });
});
