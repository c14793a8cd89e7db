// Runbooks cannot read the host's secrets: a root runtime, as the image runs, with secrets planted in its own
// environment; a runbook dumps every /proc/*/environ and cmdline it can open, raw, reversed and base64-encoded.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config';
import { readableDir, writableDir } from '../../support/runbook-dirs';
import { waitUntilGone } from '../../support/poll';
import { isolatedRuntimeEnv, startRuntimeProcess, type RuntimeProcess } from '../../support/runtime-process';
import { call, dropStorage, mappingDoc, waitForTerminal, type Json } from '../../support/test-runtime';
import { listDirectoryChain } from '../../../src/adapters/worker/os-users';
import { findBlockingDirectory } from '../../../src/domain/worker/run-user';

const ROOT = process.getuid?.() === 0;
const REPO = path.resolve(__dirname, '../../..');
const RUNBOOK_UID = '65534';
const ACCOUNT_KEY = randomBytes(48).toString('base64');
const PLANTED = {
  OPSGENIE_API_KEY: `planted-opsgenie-${randomBytes(6).toString('hex')}`,
  APPROVAL_SECRET: `planted-approval-${randomBytes(16).toString('hex')}`,
  // A second storage connection, as App Service sets AzureWebJobsStorage beside ClouDO's own.
  AzureWebJobsStorage: `DefaultEndpointsProtocol=https;AccountName=planted;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`,
  // A closed port: no run here fails, so nothing is ever sent to it.
  CLOUDO_CHAT_WEBHOOK_URL: `http://127.0.0.1:9/hooks/planted-chat-${randomBytes(6).toString('hex')}`,
  SOME_SECRET: `planted-some-secret-${randomBytes(6).toString('hex')}`,
};

// Everything of other processes it can open; then what it may write; then its home, and a copy for the test.
const DUMP = [
  '#!/usr/bin/env bash',
  'echo "uid=$(id -u) gid=$(id -g)"',
  'echo "home=$HOME tmpdir=$TMPDIR"',
  'stat -c "home-mode=%a home-owner=%u" "$HOME"',
  'for f in /proc/$PPID/environ /proc/1/environ /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do',
  '  tr "\\0" "\\n" < "$f" 2>/dev/null; echo',
  'done > "$HOME/dump"',
  'head -c 65536 /proc/$PPID/mem >> "$HOME/dump" 2>/dev/null || echo "mem: denied"',
  'grep -q "^SOME_SECRET=" /proc/self/environ && echo "own env has it"',
  'echo "--- raw"; cat "$HOME/dump"',
  'echo "--- reversed"; rev "$HOME/dump"',
  'echo "--- base64"; base64 -w0 "$HOME/dump"; echo',
  'echo "--- end"',
  'cp "$HOME/dump" "$OUT_DIR/$CLOUDO_EXEC_ID.dump"',
  // Opening for append writes nothing, and a file made to prove it could be is removed at once: should this test
  // ever fail, it leaves the repository as it was.
  'for target in "$0" "$APP_DIR/package.json" "$APP_DIR/src/config/load-config.ts"; do',
  '  if { : >> "$target"; } 2>/dev/null; then echo "wrote $target"; else echo "denied $target"; fi',
  'done',
  'for target in "$CLOUDO_RUNBOOKS_DIR" "$APP_DIR" "$APP_DIR/src"; do',
  '  f="$target/.planted-$CLOUDO_EXEC_ID"',
  '  if touch "$f" 2>/dev/null; then rm -f "$f"; echo "wrote $target"; else echo "denied $target"; fi',
  'done',
].join('\n');

const SLEEPY = '#!/usr/bin/env bash\necho "$HOME" > "$OUT_DIR/$CLOUDO_EXEC_ID.home"\nsleep 300\n';

let dir = '';
let out = '';
let rt: RuntimeProcess | undefined;
const env: Record<string, string> = {};

beforeAll(async () => {
  if (!ROOT) return;
  dir = readableDir('cloudo-isolation-');
  out = writableDir('cloudo-isolation-out-');
  mkdirSync(path.join(dir, 'runbooks'), { mode: 0o755 });
  mkdirSync(path.join(dir, 'schemas'), { mode: 0o755 });
  writeFileSync(path.join(dir, 'runbooks', 'dump.sh'), DUMP, { mode: 0o755 });
  writeFileSync(path.join(dir, 'runbooks', 'sleepy.sh'), SLEEPY, { mode: 0o755 });
  const vars = { OUT_DIR: out, APP_DIR: REPO };
  const mappings = mappingDoc('iso', [
    { id: 'dump', name: 'dump', runbook: 'dump.sh', env: vars },
    { id: 'sleepy', name: 'sleepy', runbook: 'sleepy.sh', env: vars, timeout: 2 },
  ]);
  writeFileSync(path.join(dir, 'schemas', 'test.json'), JSON.stringify(mappings));
  Object.assign(env, {
    ...isolatedRuntimeEnv(inject('storageConnection')),
    CLOUDO_RUNBOOK_USER: RUNBOOK_UID,
    ...PLANTED,
  });
  rt = await startRuntimeProcess({ dir, env });
});

afterAll(async () => {
  await rt?.stop();
  if (Object.keys(env).length > 0) await dropStorage(loadConfig(env));
  for (const d of [dir, out]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Every planted value, and the key of the connection the runtime really uses. */
function secrets(): string[] {
  const used = /AccountKey=([^;]+)/.exec(env['CLOUDO_STORAGE_CONNECTION'] ?? '')?.[1];
  const chatToken = PLANTED.CLOUDO_CHAT_WEBHOOK_URL.split('/').pop()!;
  return [PLANTED.OPSGENIE_API_KEY, PLANTED.APPROVAL_SECRET, ACCOUNT_KEY, chatToken, PLANTED.SOME_SECRET, used!];
}

/** The text, plus whatever its base64-looking runs decode to (the runbook's own encoding of its dump). */
function withDecoded(text: string): string {
  const runs = text.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? [];
  return [text, ...runs.map((r) => Buffer.from(r, 'base64').toString('latin1'))].join('\n');
}

function expectNoSecret(where: string, text: string): void {
  const all = withDecoded(text);
  for (const secret of secrets()) {
    const forms = [secret, [...secret].reverse().join(''), Buffer.from(secret).toString('base64')];
    for (const form of forms) expect(all.includes(form), `${where} shows ${secret.slice(0, 14)}…`).toBe(false);
  }
}

async function trigger(id: string): Promise<Json> {
  const res = await call('POST', `${rt!.url}/api/Trigger?id=${id}`);
  expect(res.status).toBe(202);
  return waitForTerminal(rt!.url, String(res.body['execId']));
}

describe.skipIf(!ROOT)('runbook isolation (root only: the image runs as root, and only root may switch users)', () => {
  it('says at start-up whom runbooks run as', () => {
    expect(rt!.output()).toContain(`runbooks run as nobody (uid ${RUNBOOK_UID}, gid 65534)`);
  });

  it('keeps every planted secret from a runbook that dumps all it can read, in every form', async () => {
    const done = await trigger('dump');
    expect(done).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const execId = String(done['execId']);
    const output = String(done['output']);
    // It did run, as the configured user, and found its own environment but nothing of ClouDO's.
    expect(output).toContain(`uid=${RUNBOOK_UID} gid=65534`);
    expect(output).toContain('mem: denied');
    expect(output).not.toContain('own env has it');
    const dump = readFileSync(path.join(out, `${execId}.dump`), 'latin1');
    expect(dump).toContain(`CLOUDO_EXEC_ID=${execId}`);
    expect(dump).toContain('src/local/main.ts');
    expect(output).toContain(Buffer.from(dump, 'latin1').toString('base64'));

    expectNoSecret('the dump', dump);
    expectNoSecret('the output', output);
    expectNoSecret('/api/logs/{id}', JSON.stringify((await call('GET', `${rt!.url}/api/logs/${execId}`)).body));
    expectNoSecret('?format=text', await (await fetch(`${rt!.url}/api/logs/${execId}?format=text`)).text());
    expectNoSecret('the console', rt!.output());
  });

  it('gives the run a private home, gone afterwards, and no way to write the runbooks or the app', async () => {
    const done = await trigger('dump');
    const output = String(done['output']);
    const home = /^home=(\S+) tmpdir=(\S+)$/m.exec(output);
    expect(home?.[1]).toBe(home?.[2]);
    expect(path.basename(path.dirname(home![1]!))).toMatch(/^cloudo-run-/);
    expect(output).toContain(`home-mode=700 home-owner=${RUNBOOK_UID}`);
    await waitUntilGone(home![1]!);
    await waitUntilGone(path.dirname(home![1]!));
    const runbooks = path.join(dir, 'runbooks');
    const targets = [path.join(runbooks, 'dump.sh'), `${REPO}/package.json`, `${REPO}/src/config/load-config.ts`];
    for (const target of [...targets, runbooks, REPO, `${REPO}/src`]) expect(output).toContain(`denied ${target}`);
    expect(output).not.toMatch(/^wrote /m);
  });

  it('removes the home of a run killed at its timeout', async () => {
    const done = await trigger('sleepy');
    expect(done).toMatchObject({ status: 'timed_out' });
    const home = readFileSync(path.join(out, `${String(done['execId'])}.home`), 'utf8').trim();
    expect(home).toMatch(/cloudo-run-/);
    await waitUntilGone(path.dirname(home));
  });
});

// Another user runs ClouDO's sources from this checkout: only where it may enter it (not in a 0700 `mktemp -d`).
const CHECKOUT = path.resolve(__dirname, '../../..');
const OPEN_CHECKOUT = (() => {
  const chain = listDirectoryChain(CHECKOUT);
  return chain !== null && findBlockingDirectory(chain, { uid: 65534, gid: 65534 }) === null;
})();
if (ROOT && !OPEN_CHECKOUT) console.warn(`skipped: user 65534 cannot enter ${CHECKOUT} to run ClouDO from it`);

describe.skipIf(!ROOT || !OPEN_CHECKOUT)(
  'a runtime that is not root (root only: it is started as another user)',
  () => {
    it('warns that runbooks run with its own privileges, and refuses a user it cannot switch to', async () => {
      const own = { ...env, CLOUDO_RUNBOOK_USER: '' };
      const asNobody = await startRuntimeProcess({ dir, env: own, user: { uid: 65534, gid: 65534 } });
      try {
        expect(asNobody.output()).toMatch(/runbooks run as uid 65534, ClouDO's own: ClouDO is not root/);
      } finally {
        await asNobody.stop();
      }
      const wanting = startRuntimeProcess({
        dir,
        env: { ...own, CLOUDO_RUNBOOK_USER: '10001' },
        user: { uid: 65534, gid: 65534 },
      });
      await expect(wanting).rejects.toThrow(/CLOUDO_RUNBOOK_USER: ClouDO runs as uid 65534, not root/);
    });
  },
);
