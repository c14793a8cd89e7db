// Approval gates end to end: signed links, a GET that never acts, one run from many approvals, expiry and four eyes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppServices } from '../../../src/composition/app-services';
import { buildApprovalLink } from '../../../src/domain/approvals/approval-link';
import type { Logger } from '../../../src/services/shared/ports';
import { useOncallRuntime } from '../../support/oncall-runtime';
import { call, mappingDoc, waitForTerminal, type Json } from '../../support/test-runtime';
import { alertFixture, alertFixtureText } from '../../support/alert-fixtures';

const SECRET = 'approval-secret-for-tests-0123456789abcdef';
const FIXTURE = 'azmon-metric-fired.json';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const h = useOncallRuntime((og) => ({
  mappings: mappingDoc('ops', [
    { id: 'gated', name: 'gated', runbook: 'count.sh', require_approval: 'true' },
    { id: 'gated-4eyes', name: 'four eyes', runbook: 'count.sh', require_approval: true, four_eyes: true },
    { id: 'test-metricAlertRule', name: 'alert gated', runbook: 'alert.sh', require_approval: true },
  ]),
  runbooks: {
    // Each run leaves one line: the test counts runs, not answers.
    'count.sh': 'echo "$CLOUDO_EXEC_ID" >> "$OUT_FILE"\necho ran\n',
    'alert.sh': 'test -s "$CLOUDO_ALERT_FILE" && echo "alert for $RESOURCE_NAME"\n',
  },
  env: {
    APPROVAL_SECRET: SECRET,
    OPSGENIE_API_KEY: 'opsgenie-key-for-approval-tests',
    OPSGENIE_API_URL: og.url,
    CLOUDO_RUNBOOK_ENV_ALLOW: 'OUT_FILE',
    OUT_FILE: path.join('/tmp', `cloudo-approvals-${process.pid}-${Date.now()}.txt`),
  },
}));

const runs = (execId: string): number => {
  try {
    return readFileSync(h.rt.config.runbookBaseEnv['OUT_FILE']!, 'utf8')
      .split('\n')
      .filter((l) => l === execId).length;
  } catch {
    return 0;
  }
};

async function requestGated(id = 'gated', headers: Record<string, string> = {}) {
  const res = await fetch(`${h.rt.url}/api/Trigger?id=${id}`, { method: 'POST', headers });
  const body = (await res.json()) as Json;
  expect(res.status).toBe(202);
  expect(body['status']).toBe('pending_approval');
  const links = body['links'] as Record<string, string>;
  return { execId: String(body['execId']), approve: links['approve']!, reject: links['reject']! };
}

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('approval gates', () => {
  it('waits for approval, shows a page on GET without acting, and runs once approved', async () => {
    const { execId, approve } = await requestGated();
    expect(approve).toMatch(new RegExp(`^${h.rt.url}/api/approvals/${execId}/approve\\?exp=\\d+&sig=`));
    // Chat previews fetch links, sometimes twice: nothing may happen.
    for (let i = 0; i < 2; i++) {
      const page = await fetch(approve);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toContain('method="post"');
      expect(html).toContain(execId);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect((await call('GET', `${h.rt.url}/api/logs/${execId}`)).body['status']).toBe('pending_approval');
    expect(runs(execId)).toBe(0);

    // Another site's form, auto-submitted in a signed-in approver's browser, is refused.
    const forgeries: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'https://evil.example' },
    ];
    for (const headers of forgeries) {
      const forged = await fetch(approve, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: 'name=Mallory',
      });
      expect(forged.status).toBe(403);
    }
    // The page's own form post, as a browser sends it.
    const form = await fetch(approve, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: h.rt.url,
        'Sec-Fetch-Site': 'same-origin',
      },
      body: 'name=Alice%20Ops',
    });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Approved');
    const done = await waitForTerminal(h.rt.url, execId);
    expect(done['status']).toBe('succeeded');
    expect(runs(execId)).toBe(1);
    const detail = (await call('GET', `${h.rt.url}/api/logs/${execId}`)).body;
    expect(detail['approval']).toMatchObject({ decidedBy: 'Alice Ops', because: 'mapping' });
  });

  it('rejects: the run ends rejected and never runs; a replay is refused', async () => {
    const { execId, reject, approve } = await requestGated();
    const res = await postJson(reject, { name: 'bob' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'rejected', decidedBy: 'bob' });
    const replay = await postJson(approve, { name: 'mallory' });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'conflict', field: 'execId' } });
    expect((await call('GET', `${h.rt.url}/api/logs/${execId}`)).body['status']).toBe('rejected');
    expect(runs(execId)).toBe(0);
  });

  it('refuses a replay of the approve link after approval', async () => {
    const { execId, approve } = await requestGated();
    expect((await postJson(approve, { name: 'alice' })).status).toBe(202);
    await waitForTerminal(h.rt.url, execId);
    const again = await postJson(approve, { name: 'alice' });
    expect(again.status).toBe(409);
    expect(runs(execId)).toBe(1);
  });

  it('turns ten concurrent approvals into exactly one run', async () => {
    const { execId, approve } = await requestGated();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => postJson(approve, { name: `approver-${i}` }).then((r) => r.status)),
    );
    expect(answers.filter((s) => s === 202)).toHaveLength(1);
    expect(answers.filter((s) => s === 409)).toHaveLength(9);
    await waitForTerminal(h.rt.url, execId);
    await new Promise((r) => setTimeout(r, 1000));
    expect(runs(execId)).toBe(1);
  });

  it('refuses tampered and expired links', async () => {
    const { execId, approve } = await requestGated();
    const url = new URL(approve);
    const sig = url.searchParams.get('sig')!;
    url.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    const tampered = await postJson(url.toString(), { name: 'eve' });
    expect(tampered.status).toBe(403);
    expect(await tampered.json()).toMatchObject({ error: { code: 'forbidden', field: 'sig' } });
    // Same run, the reject action under approve's signature.
    const swapped = await postJson(approve.replace('/approve?', '/reject?'), { name: 'eve' });
    expect(swapped.status).toBe(403);
    const expired = buildApprovalLink(h.rt.url, SECRET, execId, 'approve', new Date(Date.now() - 60_000));
    const old = await postJson(expired, { name: 'eve' });
    expect(old.status).toBe(410);
    expect((await fetch(expired)).status).toBe(410);
    expect((await call('GET', `${h.rt.url}/api/logs/${execId}`)).body['status']).toBe('pending_approval');
  });

  it('asks for a name when nobody is signed in, and applies the four-eyes rule', async () => {
    // The local runtime names every caller (its user, or the name a tool says it acts for).
    const unnamed = await fetch(`${h.rt.url}/api/Trigger?id=gated-4eyes`, { method: 'POST' });
    expect(unnamed.status).toBe(202);
    expect((await unnamed.json()) as Json).toMatchObject({ status: 'pending_approval' });
    const { execId, approve } = await requestGated('gated-4eyes', { 'x-ms-client-principal-name': 'bob@example.com' });
    const nameless = await postJson(approve, {});
    expect(nameless.status).toBe(400);
    expect(await nameless.json()).toMatchObject({ error: { field: 'name' } });
    const typed = await postJson(approve, { name: 'alice' });
    expect(typed.status).toBe(403);
    const own = await postJson(approve, {}, { 'x-ms-client-principal-name': 'BOB@example.com' });
    expect(own.status).toBe(403);
    // A name a client says it acts for is a claim, not a sign-in: four eyes needs a verified approver
    // (test/integration/identity/access.test.ts), so the run still waits.
    const other = await postJson(approve, {}, { 'x-ms-client-principal-name': 'alice@example.com' });
    expect(other.status).toBe(403);
    const waiting = (await call('GET', `${h.rt.url}/api/logs/${execId}`)).body;
    expect(waiting).toMatchObject({ status: 'pending_approval', requestedBy: 'bob@example.com' });
  });

  it('pages the approval request with its links, and closes it once decided', async () => {
    const { execId, approve } = await requestGated();
    const alias = `cloudo/approval/${execId}`;
    const created = await h.og.waitFor((r) => r.path === '/v2/alerts' && (r.body as Json)['alias'] === alias);
    expect(JSON.stringify(created.body)).toContain(approve);
    await postJson(approve, { name: 'alice' });
    await h.og.waitFor((r) => r.path === `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`);
  });

  it('without an approval secret nothing waits: a manual request is refused and an alert is recorded skipped', async () => {
    const config = h.rt.runtime.config;
    const unsigned = createAppServices({ ...config, oncall: { ...config.oncall, approvalSecret: undefined } });
    const refused = await unsigned.trigger
      .requestRun({ id: 'gated', trigger: 'manual' }, quiet)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'conflict', details: { field: 'id' } });
    expect(String((refused as Error).message)).toContain('APPROVAL_SECRET');
    const alert = alertFixture<{ data: { essentials: Json } }>(FIXTURE);
    alert.data.essentials['alertId'] = `unsigned-${Date.now()}`;
    const report = await unsigned.trigger.ingestAlerts(alert, undefined, quiet);
    expect(report.executions[0]).toMatchObject({ status: 'skipped' });
    expect(report.executions[0]!.reason).toContain('APPROVAL_SECRET');
  });

  it('gates alert-triggered runs too, and the approved run gets the alert', async () => {
    const res = await fetch(`${h.rt.url}/api/Trigger`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: alertFixtureText(FIXTURE),
    });
    expect(res.status).toBe(202);
    const run = ((await res.json()) as { executions: Json[] }).executions[0]!;
    expect(run['status']).toBe('pending_approval');
    const approvals = run['approvals'] as Record<string, string>;
    expect((await postJson(approvals['approve']!, { name: 'alice' })).status).toBe(202);
    const done = await waitForTerminal(h.rt.url, String(run['execId']));
    expect(done['status']).toBe('succeeded');
    expect(String(done['output'])).toContain('alert for ');
  });
});
