// Live output on the embedded runtime: output visible while the runbook runs, followed by offsets and by SSE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../../support/test-runtime';
import { readUntil } from '../../support/poll';

// Numbered lines with pauses between them, so a follower sees them arrive over several reads.
const RUNBOOKS = {
  'slow.sh': '#!/usr/bin/env bash\necho "first line"\nsleep 30\necho never\n',
  'lines.sh':
    '#!/usr/bin/env bash\nfor i in $(seq 1 12); do printf "line %03d héllo ✓\\n" "$i"; sleep 0.3; done\nhead -c 30000 /dev/zero | tr "\\0" "z"\necho\necho END\n',
  'flood.sh': '#!/usr/bin/env bash\necho HEAD-MARK\nhead -c 5000000 /dev/zero | tr "\\0" "f"\necho\necho TAIL-MARK\n',
};

const MAPPINGS = mappingDoc('live', [
  { id: 'slow', name: 'slow', runbook: 'slow.sh', timeout: 60 },
  { id: 'lines', name: 'lines', runbook: 'lines.sh' },
  { id: 'flood', name: 'flood', runbook: 'flood.sh' },
]);

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS, env: { CLOUDO_MAX_OUTPUT_BYTES: '65536' } });
});
afterAll(async () => rt?.stop());

async function trigger(id: string): Promise<string> {
  const res = await call('POST', `${rt.url}/api/Trigger?id=${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return String(res.body['execId']);
}

type Slice = { text: string; offset: number; nextOffset: number; done: boolean; omittedBytes: number; status: string };

async function followByOffsets(execId: string): Promise<{ text: string; slices: Slice[] }> {
  let offset = 0;
  let text = '';
  const slices: Slice[] = [];
  for (let i = 0; i < 2000; i++) {
    const res = await call('GET', `${rt.url}/api/logs/${execId}/output?offset=${offset}`);
    expect(res.status).toBe(200);
    const slice = res.body as unknown as Slice;
    slices.push(slice);
    expect(slice.offset).toBeGreaterThanOrEqual(offset);
    text += slice.text;
    offset = slice.nextOffset;
    if (slice.done) return { text, slices };
    if (slice.text === '') await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('never done');
}

describe('live output', () => {
  it("shows a run's first line while the runbook still sleeps, in JSON and as text", async () => {
    const execId = await trigger('slow');
    const seen = await readUntil(
      () => call('GET', `${rt.url}/api/logs/${execId}`),
      (res) => res.body['status'] === 'running' && String(res.body['output'] ?? '').includes('first line'),
    );
    expect(seen.body['output']).toBe('first line\n');
    const text = await fetch(`${rt.url}/api/logs/${execId}?format=text`);
    expect(await text.text()).toBe('first line\n');
    const slice = await call('GET', `${rt.url}/api/logs/${execId}/output?offset=0`);
    expect(slice.body).toMatchObject({
      text: 'first line\n',
      offset: 0,
      nextOffset: 11,
      done: false,
      status: 'running',
    });
    // Nothing new after the offset: nothing is sent again.
    const after = await call('GET', `${rt.url}/api/logs/${execId}/output?offset=11`);
    expect(after.body).toMatchObject({ text: '', nextOffset: 11, done: false });
    await call('POST', `${rt.url}/api/logs/${execId}/cancel`);
    await waitForTerminal(rt.url, execId);
  });

  it('following with offsets delivers every byte once, in order, and ends when the run does', async () => {
    const execId = await trigger('lines');
    const { text, slices } = await followByOffsets(execId);
    const done = await waitForTerminal(rt.url, execId);
    expect(done['status']).toBe('succeeded');
    expectSame(text, String(done['output']));
    expect(text.startsWith('line 001 héllo ✓\nline 002')).toBe(true);
    expect(text.endsWith('\nEND\n')).toBe(true);
    // It arrived over several answers while the run went on, not in one piece at the end.
    expect(slices.filter((s) => s.text !== '' && s.status === 'running').length).toBeGreaterThan(1);
  });

  it('server-sent events deliver every byte once, then an end event with the outcome', async () => {
    const execId = await trigger('lines');
    const res = await fetch(`${rt.url}/api/logs/${execId}/output`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseEvents(await res.text());
    const outputs = events.filter((e) => e.event === 'output').map((e) => JSON.parse(e.data) as Slice);
    const end = events.find((e) => e.event === 'end');
    expect(end && JSON.parse(end.data)).toEqual({ status: 'succeeded', exitCode: 0 });
    const done = await waitForTerminal(rt.url, execId);
    expectSame(outputs.map((o) => o.text).join(''), String(done['output']));
    expect(outputs.length).toBeGreaterThan(1);
    // Each event's id is where the next one starts: a reconnecting client resumes there.
    outputs.forEach((o, i) => i > 0 && expect(o.offset).toBe(outputs[i - 1]?.nextOffset));
  });

  it('resumes from Last-Event-ID after a reconnect, sending nothing twice', async () => {
    const execId = await trigger('lines');
    await waitForTerminal(rt.url, execId);
    const whole = await followByOffsets(execId);
    const res = await fetch(`${rt.url}/api/logs/${execId}/output`, {
      headers: { accept: 'text/event-stream', 'last-event-id': '36' },
    });
    const outputs = parseEvents(await res.text()).filter((e) => e.event === 'output');
    const text = outputs.map((e) => (JSON.parse(e.data) as Slice).text).join('');
    expectSame(text, Buffer.from(whole.text).subarray(36).toString('utf8'));
  });

  it('keeps a long output within the cap while it runs: the head, a gap reported once, and the tail', async () => {
    const execId = await trigger('flood');
    const { text, slices } = await followByOffsets(execId);
    const done = await waitForTerminal(rt.url, execId);
    expect(done['status']).toBe('succeeded');
    expect(text.startsWith('HEAD-MARK\n')).toBe(true);
    expect(text.endsWith('TAIL-MARK\n')).toBe(true);
    const omitted = slices.reduce((n, s) => n + s.omittedBytes, 0);
    expect(omitted).toBeGreaterThan(4_000_000);
    expect(Buffer.byteLength(text) + omitted).toBe(done['outputBytes']);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(65536 + 64 * 1024);
  });

  it('answers 404 for an unknown run and 400 naming a bad offset', async () => {
    const missing = await call('GET', `${rt.url}/api/logs/20260101T000000000Z-00000000/output`);
    expect(missing.status).toBe(404);
    const execId = await trigger('lines');
    const bad = await call('GET', `${rt.url}/api/logs/${execId}/output?offset=-1`);
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toMatchObject({ field: 'offset' });
    await waitForTerminal(rt.url, execId);
  });
});

// Long outputs: a mismatch says where, instead of printing megabytes.
function expectSame(actual: string, expected: string): void {
  expect(actual.length).toBe(expected.length);
  let at = -1;
  for (let i = 0; i < actual.length && at < 0; i++) if (actual[i] !== expected[i]) at = i;
  expect(at, `first difference at ${at}: ${JSON.stringify(actual.slice(at, at + 40))}`).toBe(-1);
}

function parseEvents(stream: string): { event: string; data: string; id?: string }[] {
  return stream
    .split('\n\n')
    .map((block) => {
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((l) => !l.startsWith(':') && l.includes(': '))
          .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
      );
      return {
        event: fields['event'] ?? '',
        data: fields['data'] ?? '',
        ...(fields['id'] ? { id: fields['id'] } : {}),
      };
    })
    .filter((e) => e.event !== '');
}
