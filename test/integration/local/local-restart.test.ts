// The embedded runtime on disk: Azurite is started by ClouDO itself, and executions and budgets survive a restart.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config';
import { silentWriter } from '../../../src/local/console-log';
import { startLocalRuntime } from '../../../src/local/runtime';
import { readableDir } from '../../support/runbook-dirs';
import { call, waitForTerminal } from '../../support/test-runtime';

const dir = readableDir('cloudo-restart-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start() {
  // No storage connection: the runtime starts its own Azurite with data under CLOUDO_LOCAL_DATA_DIR.
  const config = loadConfig({ PATH: process.env['PATH'], PORT: '0', CLOUDO_LOCAL_STORAGE: 'disk' }, dir);
  return startLocalRuntime({
    config,
    hostJsonPath: path.resolve(__dirname, '../../../host.json'),
    write: silentWriter,
  });
}

describe('local runtime on disk', () => {
  it('keeps executions and budgets across a restart, and prunes mappings removed from the files', async () => {
    mkdirSync(path.join(dir, 'runbooks'));
    mkdirSync(path.join(dir, 'schemas'));
    writeFileSync(path.join(dir, 'runbooks', 'hi.sh'), 'echo hi\n');
    // "capped" may run once an hour: its budget lives in the embedded Azurite's files, not in ClouDO's memory.
    const capped = { id: 'capped', name: 'capped', runbook: 'hi.sh', max_runs: { count: 1, window: '1h' } };
    const doc = (ids: string[]) =>
      JSON.stringify([
        { partition_key: 'p', entity: [...ids.map((id) => ({ id, name: id, runbook: 'hi.sh' })), capped] },
      ]);
    writeFileSync(path.join(dir, 'schemas', 'm.json'), doc(['hi', 'gone']));
    let execId: string;
    const first = await start();
    try {
      const accepted = await call('POST', `${first.url}/api/Trigger?id=hi`);
      execId = String(accepted.body['execId']);
      expect((await waitForTerminal(first.url, execId))['status']).toBe('succeeded');
      expect((await call('POST', `${first.url}/api/Trigger?id=capped`)).body['status']).toBe('queued');
    } finally {
      await first.stop();
    }

    writeFileSync(path.join(dir, 'schemas', 'm.json'), doc(['hi']));
    const rt = await start();
    try {
      expect(await call('GET', `${rt.url}/api/logs/${execId}`)).toMatchObject({
        status: 200,
        body: { status: 'succeeded' },
      });
      expect((await call('POST', `${rt.url}/api/Trigger?id=gone`)).status).toBe(404);
      expect((await call('POST', `${rt.url}/api/Trigger?id=capped`)).body['status']).toBe('throttled');
    } finally {
      await rt.stop();
    }
  });
});
