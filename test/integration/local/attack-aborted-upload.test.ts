// Attack: clients that hang up halfway through a request body flood the local runtime's log with "unhandled error".
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/proc-scan';
import { call, mappingDoc, startTestRuntime, type TestRuntime } from '../../support/test-runtime';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: mappingDoc('p', [{ id: 'hi', name: 'hi', runbook: 'hi.sh' }]),
    runbooks: { 'hi.sh': 'echo hi\n' },
  });
});
afterAll(async () => rt?.stop());

/** Sends the head and part of a declared body, then resets the connection once the server has read what came. */
function abandonUpload(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST /api/Trigger HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n');
      socket.write('Content-Length: 100000\r\n\r\n{"version":"4","alerts":[');
      setTimeout(() => socket.resetAndDestroy(), 100);
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
  });
}

describe('a client that hangs up mid-body', () => {
  it('is not logged as an unhandled error, and the runtime keeps serving', async () => {
    const port = Number(new URL(rt.url).port);
    const before = rt.logs.length;
    await Promise.all(Array.from({ length: 20 }, () => abandonUpload(port)));
    // The server has seen every reset once its handlers ran: a request on a new connection comes after them.
    await waitFor('the runtime serving again', async () => (await call('GET', `${rt.url}/api/health`)).status === 200);
    await new Promise((r) => setTimeout(r, 200));
    const lines = rt.logs.slice(before);
    expect(lines.filter((l) => l.startsWith('error '))).toEqual([]);
  });
});
