// The embedded runtime as a process of its own: SIGKILLed, it leaves no Azurite behind and loses nothing Azurite
// had accepted; a second runtime on a data directory in use is refused in one line; so is an HTTP port in use.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accepts } from '../../../src/local/free-port';
import { pidsMentioning, waitFor } from '../../support/proc-scan';
import { startRuntimeProcess, type RuntimeProcess } from '../../support/runtime-process';
import { call, waitForTerminal } from '../../support/test-runtime';
import { readableDir } from '../../support/runbook-dirs';

// Readable by the runbook user (nobody, when the tests run as root).
const dir = readableDir('cloudo-kill-');
const dataDir = path.join(dir, 'data');
const env = {
  PATH: process.env['PATH'] ?? '',
  PORT: '0',
  CLOUDO_LOCAL_STORAGE: 'disk',
  CLOUDO_LOCAL_DATA_DIR: dataDir,
};
const running: RuntimeProcess[] = [];

mkdirSync(path.join(dir, 'runbooks'));
mkdirSync(path.join(dir, 'schemas'));
writeFileSync(path.join(dir, 'runbooks', 'hi.sh'), 'echo hi\n');
const doc = [{ partition_key: 'p', entity: [{ id: 'hi', name: 'hi', runbook: 'hi.sh' }] }];
writeFileSync(path.join(dir, 'schemas', 'm.json'), JSON.stringify(doc));

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop('SIGKILL')));
  // Whatever happened above, no Azurite may outlive this file and hold its directory.
  await waitFor('Azurite gone', () => pidsMentioning(dataDir).length === 0);
  rmSync(dir, { recursive: true, force: true });
});

async function start(extra: Readonly<Record<string, string>> = {}): Promise<RuntimeProcess> {
  const rt = await startRuntimeProcess({ dir, env: { ...env, ...extra } });
  running.push(rt);
  return rt;
}

function azurePorts(output: string): number[] {
  const line = /azurite: tables (\S+), queues (\S+) /.exec(output);
  return line ? [Number(new URL(line[1]!).port), Number(new URL(line[2]!).port)] : [];
}

const STACK_FRAME = /^\s+at /m;

describe('the embedded runtime killed with SIGKILL', () => {
  it('leaves no Azurite process behind, and the next runtime on the same data sees what was accepted', async () => {
    const first = await start();
    const accepted = await call('POST', `${first.url}/api/Trigger?id=hi`);
    const execId = String(accepted.body['execId']);
    expect((await waitForTerminal(first.url, execId))['status']).toBe('succeeded');
    expect(pidsMentioning(dataDir)).toHaveLength(2);
    const ports = azurePorts(first.output());
    expect(ports).toHaveLength(2);

    // Accepted, then killed at once: well within Azurite's 5 s autosave, so only its save on the way out keeps it.
    const last = await call('POST', `${first.url}/api/Trigger?id=hi`);
    expect(last.status).toBe(202);
    await first.stop('SIGKILL');
    // A process's command line goes before its sockets do: the ports are polled as well.
    const portsOpen = async () => (await Promise.all(ports.map(accepts))).some(Boolean);
    await waitFor('no Azurite left', async () => pidsMentioning(dataDir).length === 0 && !(await portsOpen()));

    const second = await start();
    expect(await call('GET', `${second.url}/api/logs/${execId}`)).toMatchObject({
      status: 200,
      body: { status: 'succeeded' },
    });
    // Queued, run since, or left running (its worker died with ClouDO; the sweeper ends it): recorded, not lost.
    expect(await call('GET', `${second.url}/api/logs/${String(last.body['execId'])}`)).toMatchObject({ status: 200 });
    await second.stop();
  });
});

describe('start-up refusals', () => {
  it('refuses a second runtime on a data directory in use, in one line, and the first keeps running', async () => {
    const first = await start();
    const refusal = await start().then(
      () => 'started',
      (err: unknown) => String(err),
    );
    const held = path.join(dataDir, 'azurite', 'table');
    expect(refusal).toContain(`exited (1) before it was ready:\n`);
    // Start-up lines before it (whom runbooks run as) are fine; the refusal is one line, and the last.
    expect(refusal).not.toMatch(STACK_FRAME);
    expect(refusal.trim().split('\n').pop()).toBe(
      `The data directory ${held} is in use by another ClouDO runtime (pid ${first.pid}). ` +
        'Stop it first, or set CLOUDO_LOCAL_DATA_DIR to another directory.',
    );
    expect(await call('GET', `${first.url}/api/health`)).toMatchObject({ status: 200 });
    await first.stop();
  });

  it('says in one line that its HTTP port is in use, and exits 1', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const refusal = await start({ PORT: String(port), CLOUDO_LOCAL_STORAGE: 'memory' }).then(
        () => 'started',
        (err: unknown) => String(err),
      );
      expect(refusal).toContain('exited (1) before it was ready');
      expect(refusal.trim().split('\n').pop()).toBe(
        `Port 127.0.0.1:${port} is already in use: stop what holds it, or set PORT to another port (0 picks a free one).`,
      );
      expect(refusal).not.toMatch(STACK_FRAME);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
