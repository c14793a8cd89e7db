// AKS login end to end: fake `az` and `kubelogin` on PATH record their argv and identity; the runbook sees a private
// kubeconfig. They log in as the runbook identity through ClouDO's token broker, never with ClouDO's own identity.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvDump } from '../../support/env-dump';
import { readableDir } from '../../support/runbook-dirs';
import { waitUntilGone } from '../../support/poll';
import { NO_AKS_CLUSTER } from '../../../src/services/worker/execute-runbook';
import {
  call,
  mappingDoc,
  startTestRuntime,
  waitForTerminal,
  type Json,
  type TestRuntime,
} from '../../support/test-runtime';
import { alertFixture } from '../../support/alert-fixtures';

const SUB = '11111111-2222-3333-4444-555555555555';
const ALERT_SUB = 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e';
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
const ALERT_CLUSTER_ID = `/subscriptions/${ALERT_SUB}/resourcegroups/rg-alerted/providers/microsoft.containerservice/managedclusters/aks-alerted`;
const CLIENT_ID = '00000000-0000-4000-8000-00000000a001';
// ClouDO's own identity, as App Service hands it to the app: none of it may reach the login tools.
const HOST_IDENTITY = {
  AZURE_CLIENT_ID: '00000000-0000-4000-8000-00000000c10d',
  IDENTITY_ENDPOINT: 'http://127.0.0.1:9/msi/token',
  IDENTITY_HEADER: 'planted-real-identity-header-0123456789',
};

// The fake tools and the runbook run as the runbook user: they must reach the tools and write the records.
const work = readableDir('cloudo-aks-test-');
const bin = path.join(work, 'bin');
const out = path.join(work, 'out');
const calls = path.join(work, 'calls.log');
const identities = path.join(work, 'identity.log');

// One line per call: the tool, its argv, its uid and HOME, and its AZURE_CONFIG_DIR, tab-separated.
const RECORD = `{ printf '%s' "$(basename "$0")"; printf '\\t%s' "$@"; printf '\\t#%s:%s' "$(id -u)" "$HOME"; printf '\\t@%s\\n' "\${AZURE_CONFIG_DIR:-}"; } >> '${calls}'`;
const OPTION =
  'opt() { local want="$1" prev=""; shift; for a in "$@"; do [ "$prev" = "$want" ] && echo "$a"; prev="$a"; done; }';

const FAKE_AZ = [
  '#!/usr/bin/env bash',
  RECORD,
  OPTION,
  // The identity `az login --identity` would ask for a token with: AZURE_CONFIG_DIR, endpoint, header.
  `if [ "$1" = login ]; then printf '%s\\t%s\\t%s\\n' "$AZURE_CONFIG_DIR" "\${IDENTITY_ENDPOINT:-}" "\${IDENTITY_HEADER:-}" >> '${identities}'; fi`,
  'if [ "$1" = login ]; then touch "$AZURE_CONFIG_DIR/azureProfile.json"; echo "[]"; exit 0; fi',
  'name="$(opt --name "$@")"',
  // A tool that prints its token, then enough that a 500-character tail begins inside it.
  'if [ "$name" = leaky ]; then',
  '  printf "ERROR: request with header %s" "$IDENTITY_HEADER" >&2; printf "y%.0s" $(seq 480) >&2; echo >&2',
  '  exit 1',
  'fi',
  'if [ "$name" = broken ]; then',
  `  echo "ERROR: (ResourceNotFound) The Resource 'Microsoft.ContainerService/managedClusters/broken' was not found." >&2`,
  '  exit 1',
  'fi',
  'printf "apiVersion: v1\\nkind: Config\\n# fake kubeconfig of %s\\n" "$name" > "$(opt --file "$@")"',
].join('\n');

const FAKE_KUBELOGIN = [
  '#!/usr/bin/env bash',
  RECORD,
  OPTION,
  'echo "# converted: msi" >> "$(opt --kubeconfig "$@")"',
].join('\n');

// Keeps what it received where the test can read it: its environment, the kubeconfig and its directory's mode.
const RUNBOOK = [
  '#!/usr/bin/env bash',
  'set -euo pipefail',
  'env -0 > "$OUT_DIR/$CLOUDO_EXEC_ID.env"',
  'cp "$KUBECONFIG" "$OUT_DIR/$CLOUDO_EXEC_ID.kubeconfig"',
  'stat -c %a "$(dirname "$KUBECONFIG")" > "$OUT_DIR/$CLOUDO_EXEC_ID.mode"',
  // Who wrote the kubeconfig, and who reads it.
  'echo "$(stat -c %u "$KUBECONFIG") $(id -u)" > "$OUT_DIR/$CLOUDO_EXEC_ID.owner"',
].join('\n');

let rt: TestRuntime;
beforeAll(async () => {
  mkdirSync(bin, { mode: 0o755 });
  mkdirSync(out);
  chmodSync(out, 0o1777);
  for (const log of [calls, identities]) {
    writeFileSync(log, '');
    chmodSync(log, 0o666);
  }
  writeFileSync(path.join(bin, 'az'), FAKE_AZ, { mode: 0o755 });
  writeFileSync(path.join(bin, 'kubelogin'), FAKE_KUBELOGIN, { mode: 0o755 });
  rt = await startTestRuntime({
    mappings: mappingDoc('aks', [
      { id: 'by-id', name: 'by-id', runbook: 'kube.sh', aks_login: 'true', aks_cluster: CLUSTER_ID },
      {
        id: 'by-object',
        name: 'by-object',
        runbook: 'kube.sh',
        aks_login: true,
        aks_cluster: { name: 'broken', resource_group: 'rg-x' },
      },
      {
        id: 'leaky',
        name: 'leaky',
        runbook: 'kube.sh',
        aks_login: true,
        aks_cluster: { name: 'leaky', resource_group: 'rg-x' },
      },
      { id: 'no-cluster', name: 'no-cluster', runbook: 'kube.sh', aks_login: true },
      { id: 'test-metricAlertRule', name: 'from-alert', runbook: 'kube.sh', aks_login: true },
    ]),
    runbooks: { 'kube.sh': RUNBOOK },
    env: {
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      ...HOST_IDENTITY,
      CLOUDO_RUNBOOK_CLIENT_ID: CLIENT_ID,
      CLOUDO_RUNBOOK_ENV_ALLOW: 'OUT_DIR',
      OUT_DIR: out,
    },
  });
});
afterAll(async () => {
  await rt?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function trigger(id: string): Promise<Json> {
  const res = await call('POST', `${rt.url}/api/Trigger?id=${id}`);
  expect(res.status).toBe(202);
  return waitForTerminal(rt.url, String(res.body['execId']));
}

const receivedEnv = (execId: string) => readEnvDump(out, execId);

/** The recorded calls made with this AZURE_CONFIG_DIR: [tool, ...argv]. */
function callsWith(configDir: string): string[][] {
  return recordedWith(configDir).map((c) => c.slice(0, -1));
}

/** Who made those calls: "<uid>:<HOME>" of each. */
function callersWith(configDir: string): string[] {
  return recordedWith(configDir).map((c) => c[c.length - 1]!.slice(1));
}

function recordedWith(configDir: string): string[][] {
  if (!existsSync(calls)) return [];
  const lines = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
  const parsed = lines.map((l) => l.split('\t'));
  return parsed.filter((c) => c[c.length - 1] === `@${configDir}`).map((c) => c.slice(0, -1));
}

describe('AKS login before the runbook', () => {
  it("logs in to the mapping's cluster and hands the runbook a private kubeconfig", async () => {
    const done = await trigger('by-id');
    expect(done).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const execId = String(done['execId']);
    const env = receivedEnv(execId);
    const dir = path.dirname(env['KUBECONFIG'] ?? '');
    expect(env).toMatchObject({
      KUBECONFIG: path.join(dir, 'kubeconfig'),
      AZURE_CONFIG_DIR: path.join(dir, 'az'),
      AKS_CLUSTER_NAME: 'aks-prod',
      AKS_CLUSTER_RG: 'rg-aks',
      AKS_CLUSTER_SUBSCRIPTION_ID: SUB,
      AZURE_CLIENT_ID: CLIENT_ID,
    });
    expect(readFileSync(path.join(out, `${execId}.kubeconfig`), 'utf8')).toBe(
      'apiVersion: v1\nkind: Config\n# fake kubeconfig of aks-prod\n# converted: msi\n',
    );
    expect(readFileSync(path.join(out, `${execId}.mode`), 'utf8').trim()).toBe('700');
    const kubeconfig = path.join(dir, 'kubeconfig');
    expect(callsWith(path.join(dir, 'az'))).toEqual([
      ['az', 'login', '--identity', '--client-id', CLIENT_ID],
      [
        'az',
        'aks',
        'get-credentials',
        '--resource-group',
        'rg-aks',
        '--name',
        'aks-prod',
        '--subscription',
        SUB,
      ].concat(['--file', kubeconfig, '--overwrite-existing', '--only-show-errors']),
      ['kubelogin', 'convert-kubeconfig', '-l', 'msi', '--kubeconfig', kubeconfig, '--client-id', CLIENT_ID],
    ]);
    // az asked ClouDO's token broker, with the broker's header, never the host's endpoint or header.
    const [identity] = readFileSync(identities, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${path.join(dir, 'az')}\t`))
      .map((l) => l.split('\t'));
    expect(identity?.[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
    expect(identity?.[2]).toMatch(/^[0-9a-f]{64}$/);
    expect(identity?.[2]).toBe(env['IDENTITY_HEADER']);
    expect(readFileSync(identities, 'utf8')).not.toContain(HOST_IDENTITY.IDENTITY_HEADER);
    expect(readFileSync(calls, 'utf8')).not.toContain(HOST_IDENTITY.AZURE_CLIENT_ID);
    // The tools ran as the runbook's user, in its private home, and wrote what the runbook then read.
    const [writer, reader] = readFileSync(path.join(out, `${execId}.owner`), 'utf8')
      .trim()
      .split(' ');
    expect(writer).toBe(reader);
    if (process.getuid?.() === 0) expect(reader).not.toBe('0');
    expect(new Set(callersWith(path.join(dir, 'az')))).toEqual(new Set([`${reader}:${env['HOME']}`]));
    // Removed with the az login state once the run is over.
    await waitUntilGone(dir);
  });

  it('logs in to the cluster the alert names when the mapping names none', async () => {
    const payload = alertFixture<{
      data: { essentials: { alertTargetIDs: string[]; configurationItems: string[] } };
    }>('azmon-metric-fired.json');
    payload.data.essentials.alertTargetIDs = [ALERT_CLUSTER_ID];
    payload.data.essentials.configurationItems = ['aks-alerted'];
    const res = await fetch(`${rt.url}/api/Trigger`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const runs = ((await res.json()) as Json)['executions'] as Json[];
    expect(runs).toHaveLength(1);
    const done = await waitForTerminal(rt.url, String(runs[0]?.['execId']));
    expect(done).toMatchObject({ status: 'succeeded' });
    const env = receivedEnv(String(done['execId']));
    expect(env).toMatchObject({ AKS_CLUSTER_NAME: 'aks-alerted', AKS_CLUSTER_RG: 'rg-alerted' });
    const [, getCredentials] = callsWith(env['AZURE_CONFIG_DIR'] ?? '');
    expect(getCredentials?.slice(3, 9)).toEqual([
      '--resource-group',
      'rg-alerted',
      '--name',
      'aks-alerted',
      '--subscription',
      ALERT_SUB,
    ]);
  });

  it('records a failed login as an error that shows what az said, and cleans up', async () => {
    const done = await trigger('by-object');
    expect(done).toMatchObject({ status: 'error', exitCode: null });
    const error = String(done['error']);
    expect(error).toMatch(/^AKS login failed: az aks get-credentials exited 1: ERROR: \(ResourceNotFound\)/);
    expect(error).toContain("managedClusters/broken' was not found.");
    expect(existsSync(path.join(out, `${String(done['execId'])}.env`))).toBe(false);
    const attempt = readFileSync(calls, 'utf8')
      .split('\n')
      .find((l) => l.includes('\tbroken\t'));
    const configDir = attempt?.slice(attempt.lastIndexOf('\t@') + 2) ?? '';
    expect(configDir).toMatch(/cloudo-run-/);
    await waitUntilGone(path.dirname(configDir));
  });

  it('keeps no part of a secret where the kept end of what az said begins', async () => {
    const done = await trigger('leaky');
    const error = String(done['error']);
    // The tail's first 20 characters would be the token's last 20: they are dropped with the cut.
    expect(error).toMatch(/^AKS login failed: az aks get-credentials exited 1: …y{480}$/);
    const attempt = readFileSync(calls, 'utf8')
      .split('\n')
      .find((l) => l.includes('\tleaky\t'));
    const configDir = attempt?.slice(attempt.lastIndexOf('\t@') + 2) ?? '';
    const header = readFileSync(identities, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${configDir}\t`))
      ?.split('\t')[2];
    expect(header).toMatch(/^[0-9a-f]{64}$/);
    expect(error).not.toContain(header?.slice(-8));
  });

  it('refuses to run when neither the mapping nor the alert names a cluster', async () => {
    const before = existsSync(calls) ? readFileSync(calls, 'utf8') : '';
    const done = await trigger('no-cluster');
    expect(done).toMatchObject({ status: 'error', error: NO_AKS_CLUSTER });
    expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe(before);
  });
});
