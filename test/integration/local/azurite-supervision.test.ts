// The embedded runtime survives its own Azurite: a service killed with SIGKILL is restarted on the same port and data.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config';
import type { LineWriter } from '../../../src/local/console-log';
import { startLocalRuntime, type LocalRuntime } from '../../../src/local/runtime';
import { pidsMentioning, waitFor } from '../../support/proc-scan';
import { call, waitForTerminal } from '../../support/test-runtime';
import { readableDir } from '../../support/runbook-dirs';

// Readable by the runbook user (nobody, when the tests run as root).
const dir = readableDir('cloudo-supervise-');
const azuriteDir = path.join(dir, '.cloudo-local', 'azurite');
const logs: string[] = [];
let runtime: LocalRuntime | undefined;
afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<LocalRuntime> {
  mkdirSync(path.join(dir, 'runbooks'), { recursive: true });
  mkdirSync(path.join(dir, 'schemas'), { recursive: true });
  writeFileSync(path.join(dir, 'runbooks', 'hi.sh'), 'echo hi\n');
  const doc = [{ partition_key: 'p', entity: [{ id: 'hi', name: 'hi', runbook: 'hi.sh' }] }];
  writeFileSync(path.join(dir, 'schemas', 'm.json'), JSON.stringify(doc));
  const config = loadConfig({ PATH: process.env['PATH'], PORT: '0', CLOUDO_LOCAL_STORAGE: 'disk' }, dir);
  const write: LineWriter = (level, source, message) => logs.push(`${level} ${source} ${message}`);
  const hostJsonPath = path.resolve(__dirname, '../../../host.json');
  return startLocalRuntime({ config, hostJsonPath, write, queueOverrides: { maxPollingIntervalMs: 250 } });
}

async function runOnce(url: string): Promise<string> {
  const accepted = await call('POST', `${url}/api/Trigger?id=hi`);
  expect(accepted.status).toBe(202);
  const execId = String(accepted.body['execId']);
  expect((await waitForTerminal(url, execId))['status']).toBe('succeeded');
  return execId;
}

// What a SIGKILL cannot take back is what Azurite had saved: LokiJS writes the whole database every 5 s when
// something changed (and on a clean close). So the test waits until the saved file holds what it checks afterwards.
function saved(service: 'table' | 'queue'): string {
  const file = service === 'table' ? '__azurite_db_table__.json' : '__azurite_db_queue__.json';
  try {
    return readFileSync(path.join(azuriteDir, service, file), 'utf8');
  } catch {
    return '';
  }
}

function portOf(connectionString: string, endpoint: 'TableEndpoint' | 'QueueEndpoint'): string {
  return new URL(new RegExp(`${endpoint}=([^;]+)`).exec(connectionString)?.[1] ?? '').port;
}

describe('a killed Azurite service', () => {
  it('is restarted on the same port and data directory, says so, and keeps what it had saved', async () => {
    runtime = await start();
    const url = runtime.url;
    const execId = await runOnce(url);
    await waitFor('the final status saved', () =>
      new RegExp(`${execId}[^}]*"status":"succeeded"`).test(saved('table')),
    );
    await waitFor('the run queue saved', () => saved('queue').includes('"name":"cloudo-runbook"'));

    for (const [service, endpoint] of [
      ['table', 'TableEndpoint'],
      ['queue', 'QueueEndpoint'],
    ] as const) {
      const [pid] = pidsMentioning(path.join(azuriteDir, service));
      expect(pid, `${service} service pid`).toBeDefined();
      process.kill(pid!, 'SIGKILL');
      const port = portOf(runtime.connectionString, endpoint);
      const restarted = new RegExp(
        `^warn cloudo azurite ${service} service \\(pid ${pid}\\) was killed by SIGKILL; restarted on 127\\.0\\.0\\.1:${port} \\(pid \\d+\\)`,
      );
      await waitFor(`the ${service} restart logged`, () => logs.some((line) => restarted.test(line)));

      expect(await call('GET', `${url}/api/logs/${execId}`)).toMatchObject({
        status: 200,
        body: { status: 'succeeded' },
      });
      await runOnce(url);
      expect(await call('GET', `${url}/api/health`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    }
  });
});
