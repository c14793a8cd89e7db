// Runbooks act as their own identity, never ClouDO's: a runtime (as root, runbooks run as nobody) whose own identity
// endpoint is a stand-in; runbooks ask ClouDO's token broker, with curl, python and the Azure SDK, for tokens.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listDirectoryChain } from '../../../src/adapters/worker/os-users';
import { loadConfig } from '../../../src/config/load-config';
import { findBlockingDirectory } from '../../../src/domain/worker/run-user';
import { NO_RUNBOOK_IDENTITY } from '../../../src/services/worker/execute-runbook';
import {
  FAILING_RESOURCE,
  startIdentityEndpointStub,
  type IdentityEndpointStub,
} from '../../support/identity-endpoint-stub';
import { readableDir, writableDir } from '../../support/runbook-dirs';
import { isolatedRuntimeEnv, startRuntimeProcess, type RuntimeProcess } from '../../support/runtime-process';
import { call, dropStorage, mappingDoc, waitForTerminal, type Json } from '../../support/test-runtime';

const ROOT = process.getuid?.() === 0;
const HOST_CLIENT_ID = '11111111-aaaa-4aaa-8aaa-111111111111';
const RUNBOOK_CLIENT_ID = '22222222-bbbb-4bbb-8bbb-222222222222';
const MSI_SECRET = `real-msi-secret-${randomBytes(12).toString('hex')}`;
const FEDERATED_TOKEN_FILE = `/var/run/secrets/azure/tokens/planted-${randomBytes(6).toString('hex')}`;
const IDENTITY_MODULE = require.resolve('@azure/identity');
// The Azure SDK runs as the runbook user from this checkout's node_modules: only where that user may enter it.
const SDK_REACHABLE = (() => {
  const chain = listDirectoryChain(path.dirname(IDENTITY_MODULE));
  return !ROOT || (chain !== null && findBlockingDirectory(chain, { uid: 65534, gid: 65534 }) === null);
})();

const ASK = (resource: string, extra = '') =>
  `"$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=${resource}${extra}"`;
const WITH_HEADER = '-H "X-IDENTITY-HEADER: $IDENTITY_HEADER"';

// Each answer, and its status, into a directory of the run's for the test to read.
const CURL = [
  '#!/usr/bin/env bash',
  'out="$OUT_DIR/$CLOUDO_EXEC_ID"; mkdir -p "$out"',
  // The runbook's own environment as the kernel keeps it (/proc/self in a redirect would be the exec'd tr's, gone).
  'tr "\\0" "\\n" < "/proc/$$/environ" > "$out/environ"',
  'ask() { local name="$1"; shift; curl -s -o "$out/$name.json" -w "%{http_code}" "$@" > "$out/$name.status"; }',
  `ask vault-as-host ${WITH_HEADER} ${ASK('https://vault.azure.net', '&client_id=$HOST_ID')}`,
  `ask vault ${WITH_HEADER} ${ASK('https://vault.azure.net')}`,
  `ask arm ${WITH_HEADER} ${ASK('https://management.azure.com/', '&client_id=$AZURE_CLIENT_ID')}`,
  `ask by-object-id ${WITH_HEADER} ${ASK('https://vault.azure.net', '&object_id=$HOST_ID')}`,
  `ask no-header ${ASK('https://vault.azure.net')}`,
  `ask wrong-header -H "X-IDENTITY-HEADER: $HOST_ID" ${ASK('https://vault.azure.net')}`,
  `ask failing ${WITH_HEADER} ${ASK(FAILING_RESOURCE)}`,
].join('\n');

// What MSAL Python (and so `az login --identity`, az 2.73+) sends, and how it reads the answer.
const PYTHON = [
  'import json, os, sys, time, urllib.parse, urllib.request',
  'query = urllib.parse.urlencode({"api-version": "2019-08-01", "resource": "https://management.core.windows.net/",',
  '                                "client_id": os.environ["AZURE_CLIENT_ID"]})',
  'request = urllib.request.Request(os.environ["IDENTITY_ENDPOINT"] + "?" + query,',
  '                                 headers={"X-IDENTITY-HEADER": os.environ["IDENTITY_HEADER"], "Metadata": "true"})',
  'with urllib.request.urlopen(request, timeout=30) as answer:',
  '    payload = json.load(answer)',
  'result = {"access_token": payload["access_token"], "token_type": payload.get("token_type", "Bearer"),',
  '          "expires_in": int(payload["expires_on"]) - int(time.time())}',
  'with open(os.path.join(os.environ["OUT_DIR"], os.environ["CLOUDO_EXEC_ID"] + ".python.json"), "w") as f:',
  '    json.dump(result, f)',
].join('\n');

// The Azure SDK for JavaScript in a runbook: ManagedIdentityCredential, and DefaultAzureCredential as authors use it.
const SDK = [
  `const { DefaultAzureCredential, ManagedIdentityCredential } = require(${JSON.stringify(IDENTITY_MODULE)});`,
  'const fs = require("node:fs");',
  'const out = `${process.env.OUT_DIR}/${process.env.CLOUDO_EXEC_ID}.sdk.json`;',
  'const managed = new ManagedIdentityCredential({ clientId: process.env.AZURE_CLIENT_ID });',
  'Promise.all([',
  '  managed.getToken("https://storage.azure.com/.default"),',
  '  new DefaultAzureCredential().getToken("https://graph.microsoft.com/.default"),',
  ']).then(([a, b]) => fs.writeFileSync(out, JSON.stringify([a.token, b.token])), (e) => {',
  '  console.error(String(e));',
  '  process.exit(1);',
  '});',
].join('\n');

let stub: IdentityEndpointStub;
let dir = '';
let out = '';
let withId: RuntimeProcess | undefined;
let without: RuntimeProcess | undefined;
const envs: Record<string, string>[] = [];

beforeAll(async () => {
  stub = await startIdentityEndpointStub();
  dir = readableDir('cloudo-identity-');
  out = writableDir('cloudo-identity-out-');
  mkdirSync(path.join(dir, 'runbooks'), { mode: 0o755 });
  mkdirSync(path.join(dir, 'schemas'), { mode: 0o755 });
  writeFileSync(path.join(dir, 'runbooks', 'curl.sh'), CURL, { mode: 0o755 });
  writeFileSync(path.join(dir, 'runbooks', 'msal.py'), PYTHON, { mode: 0o755 });
  writeFileSync(path.join(dir, 'runbooks', 'sdk.js'), SDK, { mode: 0o644 });
  writeFileSync(path.join(dir, 'runbooks', 'sdk.sh'), `exec "${process.execPath}" "$(dirname "$0")/sdk.js"\n`);
  const vars = { OUT_DIR: out, HOST_ID: HOST_CLIENT_ID };
  const aks = { name: 'aks-prod', resource_group: 'rg-aks' };
  const mappings = mappingDoc('id', [
    { id: 'curl', name: 'curl', runbook: 'curl.sh', env: vars },
    { id: 'python', name: 'python', runbook: 'msal.py', env: vars },
    { id: 'sdk', name: 'sdk', runbook: 'sdk.sh', env: vars },
    { id: 'aks', name: 'aks', runbook: 'curl.sh', env: vars, aks_login: true, aks_cluster: aks },
  ]);
  writeFileSync(path.join(dir, 'schemas', 'test.json'), JSON.stringify(mappings));
  const common = () => ({
    ...isolatedRuntimeEnv(inject('storageConnection')),
    ...(ROOT ? { CLOUDO_RUNBOOK_USER: '65534' } : {}),
    // ClouDO's own identity, as App Service gives it to the app.
    AZURE_CLIENT_ID: HOST_CLIENT_ID,
    IDENTITY_ENDPOINT: stub.url,
    IDENTITY_HEADER: stub.header,
    MSI_ENDPOINT: stub.url,
    MSI_SECRET,
  });
  envs.push(
    { ...common(), CLOUDO_RUNBOOK_CLIENT_ID: RUNBOOK_CLIENT_ID },
    { ...common(), AZURE_FEDERATED_TOKEN_FILE: FEDERATED_TOKEN_FILE },
  );
  [withId, without] = await Promise.all(envs.map((env) => startRuntimeProcess({ dir, env })));
});

afterAll(async () => {
  await Promise.all([withId?.stop(), without?.stop()]);
  await Promise.all(envs.map((env) => dropStorage(loadConfig(env))));
  await stub?.close();
  for (const d of [dir, out]) if (d) rmSync(d, { recursive: true, force: true });
});

async function trigger(rt: RuntimeProcess, id: string): Promise<Json> {
  const res = await call('POST', `${rt.url}/api/Trigger?id=${id}`);
  expect(res.status).toBe(202);
  return waitForTerminal(rt.url, String(res.body['execId']));
}

const answer = (execId: string, name: string) => ({
  status: Number(readFileSync(path.join(out, execId, `${name}.status`), 'utf8')),
  body: JSON.parse(readFileSync(path.join(out, execId, `${name}.json`), 'utf8')) as Json,
});

function environ(execId: string): Record<string, string> {
  const lines = readFileSync(path.join(out, execId, 'environ'), 'utf8').split('\n');
  return Object.fromEntries(
    lines.filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** ClouDO's own identity credentials, raw, reversed and base64-encoded. */
function hostCredentials(): string[] {
  return [stub.header, MSI_SECRET, stub.url].flatMap((s) => [
    s,
    [...s].reverse().join(''),
    Buffer.from(s).toString('base64'),
  ]);
}

function expectNoHostCredential(where: string, text: string): void {
  for (const form of hostCredentials()) expect(text.includes(form), `${where} shows ${form.slice(0, 20)}…`).toBe(false);
}

describe('runbooks with CLOUDO_RUNBOOK_CLIENT_ID', () => {
  it('get a token for the runbook identity alone, through the broker, and never hold ClouDO’s credentials', async () => {
    const done = await trigger(withId!, 'curl');
    expect(done).toMatchObject({ status: 'succeeded' });
    const execId = String(done['execId']);
    const env = environ(execId);
    expect(env['AZURE_CLIENT_ID']).toBe(RUNBOOK_CLIENT_ID);
    expect(env['IDENTITY_ENDPOINT']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
    expect(env['IDENTITY_HEADER']).toMatch(/^[0-9a-f]{64}$/);
    for (const name of ['MSI_ENDPOINT', 'MSI_SECRET', 'AZURE_FEDERATED_TOKEN_FILE'])
      expect(env).not.toHaveProperty(name);
    expectNoHostCredential('/proc/$$/environ', readFileSync(path.join(out, execId, 'environ'), 'utf8'));

    const vault = answer(execId, 'vault');
    expect(vault.status).toBe(200);
    expect(vault.body).toMatchObject({
      access_token: stub.tokenFor(RUNBOOK_CLIENT_ID, 'https://vault.azure.net'),
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
      client_id: RUNBOOK_CLIENT_ID,
    });
    expect(Number(vault.body['expires_on'])).toBeGreaterThan(Date.now() / 1000);
    expect(answer(execId, 'arm')).toMatchObject({
      status: 200,
      body: { access_token: stub.tokenFor(RUNBOOK_CLIENT_ID, 'https://management.azure.com/') },
    });
    // Asking for ClouDO's identity, by client id or object id, gets nothing.
    for (const name of ['vault-as-host', 'by-object-id']) {
      const refused = answer(execId, name);
      expect(refused.status, name).toBe(400);
      expect(String(refused.body['message']), name).toContain(`runbooks act as client id ${RUNBOOK_CLIENT_ID} only`);
      expect(refused.body, name).not.toHaveProperty('access_token');
    }
    // The identity endpoint only ever saw the runbook identity, asked with ClouDO's real header.
    expect(stub.requests.length).toBeGreaterThan(0);
    for (const r of stub.requests)
      expect(r).toMatchObject({ headerOk: true, params: { client_id: RUNBOOK_CLIENT_ID } });
    expect(JSON.stringify(stub.requests)).not.toContain(HOST_CLIENT_ID);
  });

  it('refuses a request without the header (401) or with a wrong one (403), as the platform does', async () => {
    const done = await trigger(withId!, 'curl');
    const execId = String(done['execId']);
    expect(answer(execId, 'no-header').status).toBe(401);
    expect(answer(execId, 'wrong-header').status).toBe(403);
    for (const name of ['no-header', 'wrong-header'])
      expect(answer(execId, name).body).not.toHaveProperty('access_token');
  });

  it('passes on why a token failed, without ClouDO’s credentials, and logs no token', async () => {
    const done = await trigger(withId!, 'curl');
    const failing = answer(String(done['execId']), 'failing');
    expect(failing.status).toBe(500);
    expect(String(failing.body['message'])).toContain(`no token for ${FAILING_RESOURCE} as ${RUNBOOK_CLIENT_ID}`);
    expectNoHostCredential('the failure', JSON.stringify(failing.body));
    const console = withId!.output();
    expect(console).toContain(`runbooks act as managed identity ${RUNBOOK_CLIENT_ID}`);
    expectNoHostCredential('the console', console);
    expect(console).not.toContain('fake-token.');
  });

  it('works as MSAL Python (az login --identity) asks and reads', async () => {
    const done = await trigger(withId!, 'python');
    expect(done).toMatchObject({ status: 'succeeded' });
    const result = JSON.parse(readFileSync(path.join(out, `${String(done['execId'])}.python.json`), 'utf8')) as Json;
    expect(result['access_token']).toBe(stub.tokenFor(RUNBOOK_CLIENT_ID, 'https://management.core.windows.net/'));
    expect(result['expires_in']).toBeGreaterThan(0);
  });

  it.skipIf(!SDK_REACHABLE)(
    'works for the Azure SDK’s ManagedIdentityCredential and DefaultAzureCredential',
    async () => {
      const done = await trigger(withId!, 'sdk');
      expect(done).toMatchObject({ status: 'succeeded' });
      const tokens = JSON.parse(readFileSync(path.join(out, `${String(done['execId'])}.sdk.json`), 'utf8')) as string[];
      expect(tokens).toEqual([
        stub.tokenFor(RUNBOOK_CLIENT_ID, 'https://storage.azure.com'),
        stub.tokenFor(RUNBOOK_CLIENT_ID, 'https://graph.microsoft.com'),
      ]);
    },
  );
});

describe('runbooks without CLOUDO_RUNBOOK_CLIENT_ID', () => {
  it('get no identity variable at all, and start-up says so', async () => {
    const done = await trigger(without!, 'curl');
    const execId = String(done['execId']);
    const env = environ(execId);
    for (const name of [
      'AZURE_CLIENT_ID',
      'IDENTITY_ENDPOINT',
      'IDENTITY_HEADER',
      'MSI_ENDPOINT',
      'MSI_SECRET',
      'AZURE_FEDERATED_TOKEN_FILE',
    ])
      expect(env, name).not.toHaveProperty(name);
    expectNoHostCredential('/proc/$$/environ', readFileSync(path.join(out, execId, 'environ'), 'utf8'));
    expect(without!.output()).toContain('runbooks get no managed identity: CLOUDO_RUNBOOK_CLIENT_ID is not set');
  });

  it('refuses an AKS login, which would otherwise reach for the host’s identity', async () => {
    const done = await trigger(without!, 'aks');
    expect(done).toMatchObject({ status: 'error', error: NO_RUNBOOK_IDENTITY });
  });
});
