// The console attacked in a real browser: markup in every name, output and alert field stays text, odd addresses show
// a message instead of crashing, secrets stay out of the page, and another site's page cannot act as the user.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser, openPage, useBrowser } from '../support/browser';
import { principal, useSignedInRuntime, type Who } from '../support/principals';
import { mappingDoc } from '../support/test-runtime';
import { readUntil } from '../support/poll';
import { alertFixture } from '../support/alert-fixtures';

// Markup, a script, an event handler, a javascript: link and a right-to-left override: all must show as typed.
const EVIL =
  '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">x</a>\u202Egnp.exe';
// How the page shows it: the right-to-left override as its code point, so it cannot reorder what is read.
const SHOWN = EVIL.replace('\u202E', '⟨U+202E⟩');
const SECRET = 'hunter2-never-shown';

const RUNBOOKS = {
  'evil.sh': `#!/usr/bin/env bash\ncat <<'EOF'\n${EVIL}\nEOF\n`,
  'long.sh': '#!/usr/bin/env bash\necho started\nsleep 300\n',
  // About 5 MB of output, far over the recorded cap.
  // Written as it goes, slowly enough that a follower receives all of it: about 2.4 MB, then it waits.
  'chatty.sh':
    '#!/usr/bin/env bash\nfor i in $(seq 1 40); do head -c 60000 /dev/zero | tr "\\0" y | fold -w 99; sleep 0.3; done\nsleep 300\n',
  'big.sh': '#!/usr/bin/env bash\nyes "$(printf "x%.0s" {1..90})" | head -n 50000 | nl -w6 -nrz -s" line "\n',
};
const MAPPINGS = mappingDoc('ops', [
  {
    id: 'evil',
    name: EVIL,
    description: EVIL,
    runbook: 'evil.sh',
    match: { alert_rule_pattern: '^Kube' },
    params: {
      NOTE: { type: 'string', description: EVIL },
      TOKEN: { type: 'string', secret: true, description: 'a token' },
    },
  },
  { id: 'long', name: 'Long job', runbook: 'long.sh' },
  { id: 'big', name: 'Big output', runbook: 'big.sh' },
  { id: 'chatty', name: 'Chatty', runbook: 'chatty.sh' },
  // Only Admins may decide on it: a plain Approver must not be offered the buttons.
  {
    id: 'admins-only',
    name: 'Admins decide',
    runbook: 'long.sh',
    require_approval: true,
    access: { approve: ['ClouDO.Admin'] },
  },
]);

const ADMIN: Who = { oid: 'oid-admin', name: EVIL, roles: ['ClouDO.Admin'] };
const APPROVER: Who = { oid: 'oid-approver', name: 'april', roles: ['ClouDO.Approver', 'ClouDO.Operator'] };

type Watched = { pwned: unknown; violations: string[] };

describeInBrowser('the console under attack', () => {
  const browser = useBrowser();
  const { as, runtime } = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
  const base = () => `${runtime().url}/api/console/`;
  const pages: Page[] = [];
  let page: Page;
  let errors: string[];

  const pageAs = async (who: Who) => {
    const opened = await openPage(browser(), { principal: principal(who) });
    pages.push(opened.page);
    // Seen by the page before its own script runs: a refused inline script or handler is a policy violation event.
    await opened.page.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(e.violatedDirective));
    });
    return opened;
  };
  const watched = (): Promise<Watched> =>
    page.evaluate(() => {
      const w = window as unknown as { __pwned?: unknown; __violations: string[] };
      return { pwned: w.__pwned, violations: w.__violations };
    });
  const clean = async () => {
    expect(await watched()).toEqual({ pwned: undefined, violations: [] });
    expect(await page.locator('main img, main script, main a[href^="javascript:"]').count()).toBe(0);
    expect(errors).toEqual([]);
  };

  beforeAll(async () => {
    ({ page, errors } = await pageAs(ADMIN));
  });
  afterAll(async () => {
    for (const p of pages) await p.context().close();
  });

  it('shows names, descriptions and parameter help as text', async () => {
    await page.goto(`${base()}#/mappings`);
    await page.locator('[data-mapping="ops/evil"]').waitFor();
    expect(await page.locator('[data-mapping="ops/evil"] strong').innerText()).toBe(SHOWN);
    await page.goto(`${base()}#/mappings/ops/evil`);
    await page.locator('h1').getByText('<img', { exact: false }).waitFor();
    expect(await page.locator('h1').innerText()).toBe(SHOWN);
    expect(await page.locator('#help-NOTE').innerText()).toBe(SHOWN);
    await clean();
  });

  it('keeps a secret parameter out of the address, storage, title, preview and the run', async () => {
    await page.goto(`${base()}#/mappings/ops/evil`);
    await page.getByLabel('NOTE').fill(EVIL);
    await page.getByLabel('TOKEN').fill(SECRET);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.locator('[data-preview]').getByText('[secret]').first().waitFor();
    expect(await page.content()).not.toContain(SECRET);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/runs\/\d{8}T/);
    await page.locator('h1 [data-status="succeeded"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-output]').innerText()).toContain(SHOWN);
    const seen = await page.evaluate(() => ({
      url: location.href,
      title: document.title,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      html: document.documentElement.outerHTML,
    }));
    for (const v of Object.values(seen)) expect(v).not.toContain(SECRET);
    expect(seen.html).toContain('[secret]');
    await clean();
  });

  it('shows an alert payload and its rule name as text, claimed or unmatched', async () => {
    const fired = alertFixture<{ alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] }>(
      'alertmanager-webhook-v4-firing.composed.json',
    );
    for (const a of fired.alerts) {
      a.labels['note'] = EVIL;
      a.annotations['summary'] = EVIL;
    }
    expect((await as(null, 'POST', 'Trigger', fired)).status).toBeLessThan(300);
    const unclaimed = structuredClone(fired);
    for (const a of unclaimed.alerts) a.labels['alertname'] = EVIL;
    expect((await as(null, 'POST', 'Trigger', unclaimed)).status).toBeLessThan(300);
    const claimed = await readUntil(
      async () =>
        (await as(ADMIN, 'GET', 'logs?mapping=evil&trigger=alertmanager')).body['items'] as { execId: string }[],
      (items) => items.length > 0,
    );

    await page.goto(`${base()}#/runs/${claimed[0]!.execId}`);
    await page.getByText('Alert that triggered it').click();
    const json = page.locator('pre.json').first();
    await json.getByText('onerror', { exact: false }).waitFor();
    expect(await json.innerText()).toContain('⟨U+202E⟩gnp.exe');
    expect(await json.innerText()).not.toContain('\u202E');
    await page.goto(`${base()}#/unmatched`);
    await page.locator('.inbox strong').getByText('<img', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Dry run this payload' }).first().click();
    await page.locator('[data-dry-run]').or(page.locator('.inbox [role=alert]')).first().waitFor();
    expect(await page.locator('.inbox [role=alert]').allInnerTexts()).toEqual([]);
    await clean();
  });

  it('shows a cancel reason and the canceller’s name as text', async () => {
    const run = await as(ADMIN, 'POST', 'runs?id=long');
    const execId = String(run.body['execId']);
    await page.goto(`${base()}#/runs/${execId}`);
    await page.locator('[data-output]').getByText('started').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this run?' });
    await dialog.getByLabel('Reason').fill(EVIL);
    await dialog.getByRole('button', { name: 'Cancel the run' }).click();
    await page.locator('h1 [data-status="cancelled"]').waitFor({ timeout: 30_000 });
    // The name is the principal's (cut to a person-name's length); the reason is as typed.
    const asked = page.locator('.fields dd', { hasText: 'asked by <img' });
    await asked.waitFor();
    expect(await asked.innerText()).toContain(`: ${SHOWN}`);
    await clean();
  });

  it.each([
    ['a malformed escape in a run id', '#/runs/%E0%A4%A'],
    ['a malformed escape in a mapping', '#/mappings/ops/%'],
    ['markup in the address', `#/${encodeURIComponent(EVIL)}`],
    // Put into the API path, ".." would be resolved by the browser: /api/mappings/../me is /api/me.
    ['a climbing mapping address', '#/mappings/../me'],
    ['a climbing escaped mapping address', '#/mappings/%2E%2E/me'],
    ['a climbing run address', '#/runs/..'],
    ['a climbing escaped run address', '#/runs/%2E%2E'],
  ])('answers %s with "Not found", not a crash', async (_name, hash) => {
    errors.length = 0;
    await page.goto('about:blank');
    await page.goto(`${base()}${hash}`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await clean();
  });

  it('says a run that does not exist does not exist', async () => {
    await page.goto(`${base()}#/runs/20260101T000000000Z-00000000`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/not found|no execution/i);
    await clean();
  });

  it('stays responsive on a run with megabytes of output', { timeout: 120_000 }, async () => {
    const run = await as(ADMIN, 'POST', 'runs?id=big');
    const execId = String(run.body['execId']);
    await page.goto(`${base()}#/runs/${execId}`);
    await page.locator('h1 [data-status="succeeded"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-output]').getByText('000001 line', { exact: false }).waitFor();
    // Still answering clicks: the folded parameters open.
    await page.getByRole('link', { name: '← Executions' }).click();
    await page.getByRole('heading', { name: 'Executions' }).waitFor();
    await clean();
  });

  it('keeps only the first and newest part of a long live output in the page', { timeout: 120_000 }, async () => {
    const run = await as(ADMIN, 'POST', 'runs?id=chatty');
    const execId = String(run.body['execId']);
    try {
      await page.goto(`${base()}#/runs/${execId}`);
      const output = page.locator('[data-output]');
      await output.getByText('characters not shown while following', { exact: false }).waitFor({ timeout: 90_000 });
      expect((await output.innerText()).length).toBeLessThan(600 * 1024);
      await clean();
    } finally {
      await as(ADMIN, 'POST', `logs/${execId}/cancel`, {});
    }
  });

  it.each([
    ['storage is down (503)', 503, 'application/json', '{"error":{"code":"unavailable","message":"Storage is down."}}'],
    ['a proxy answers its own page', 200, 'text/html', '<html><body><script>window.__pwned=4</script></body></html>'],
    ['a proxy fails with its own page', 502, 'text/html', '<html><body>Bad gateway</body></html>'],
  ])('says so when %s, and keeps going', async (_name, status, type, body) => {
    await page.route('**/api/overview*', (route) =>
      route.fulfill({ status, headers: { 'Content-Type': type, 'Retry-After': '5' }, body }),
    );
    try {
      await page.goto('about:blank');
      await page.goto(base());
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toMatch(/Storage is down\. Try again in 5 s\.|other than JSON|502/);
      await clean();
    } finally {
      await page.unroute('**/api/overview*');
    }
  });

  it('offers no Approve or Reject to an Approver the mapping does not let decide', async () => {
    const run = await as(ADMIN, 'POST', 'runs?id=admins-only');
    const execId = String(run.body['execId']);
    const { page: p, errors: errs } = await pageAs(APPROVER);
    await p.goto(`${base()}#/approvals`);
    await p.locator(`[data-exec="${execId}"]`).waitFor();
    await p.locator('.inbox').getByRole('link', { name: 'Admins decide' }).waitFor();
    expect(await p.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    await p.goto(`${base()}#/runs/${execId}`);
    await p.locator('h1 [data-status="pending_approval"]').waitFor();
    expect(await p.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    expect(errs).toEqual([]);
  });

  it('refuses another site’s page in the same browser: no run, no cancel, no approval', async () => {
    const run = await as(ADMIN, 'POST', 'runs?id=long');
    const execId = String(run.body['execId']);
    const gated = await as(ADMIN, 'POST', 'runs?id=admins-only');
    const approve = String((gated.body['links'] as Record<string, string> | undefined)?.['approve'] ?? '');
    const api = `${runtime().url}/api`;
    const evil = await serveEvilPage(`
      <form id="f1" method="POST" action="${api}/runs/ops?id=long" target="i1"></form>
      <form id="f2" method="POST" action="${api}/logs/${execId}/cancel" target="i2"></form>
      <iframe name="i1"></iframe><iframe name="i2"></iframe>
      <script>
        const post = (url, body, type) => fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include',
          headers: type ? { 'Content-Type': type } : {}, body }).catch(() => undefined);
        Promise.all([
          post('${api}/runs/ops?id=long'),
          post('${api}/logs/${execId}/cancel', '{}', 'text/plain'),
          ${approve ? `post('${approve}', '{"name":"x"}', 'text/plain'),` : ''}
        ]).then(() => { document.getElementById('f1').submit(); document.getElementById('f2').submit(); })
          .then(() => setTimeout(() => (document.title = 'done'), 500));
      </script>`);
    try {
      const { page: p } = await pageAs(ADMIN);
      await p.goto(evil.url);
      await p.waitForFunction(() => document.title === 'done');
      const runs = await as(ADMIN, 'GET', 'logs?mapping=long&limit=50');
      const items = runs.body['items'] as { execId: string; status: string }[];
      expect(items.filter((i) => i.execId !== execId).every((i) => i.status === 'cancelled' || i.execId < execId)).toBe(
        true,
      );
      expect(String((await as(ADMIN, 'GET', `logs/${execId}`)).body['status'])).not.toBe('cancelled');
      expect(String((await as(ADMIN, 'GET', `logs/${String(gated.body['execId'])}`)).body['status'])).toBe(
        'pending_approval',
      );
    } finally {
      await evil.close();
      await as(ADMIN, 'POST', `logs/${execId}/cancel`, {});
    }
  });

  it('cannot be framed by another page', async () => {
    const evil = await serveEvilPage(`<iframe id="f" src="${base()}"></iframe>`);
    try {
      const { page: p } = await pageAs(ADMIN);
      await p.goto(evil.url);
      await p.locator('#f').waitFor();
      // The navigation waits for the frame's load: a refused frame holds Chromium's error page, not the console.
      const frame = p.frames().find((f) => f !== p.mainFrame());
      expect(frame).toBeDefined();
      expect(await frame!.locator('#app').count()).toBe(0);
    } finally {
      await evil.close();
    }
  });
});

// Another origin (another port): the page an attacker would lure a signed-in person to.
async function serveEvilPage(body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>evil</title></head><body>${body}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
