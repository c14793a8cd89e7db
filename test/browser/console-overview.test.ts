// The console's overview and unmatched alerts in a real browser: the counts after real runs, an alert nobody
// claimed and the dry run that says why, and the pages in dark mode and on a phone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser, openPage, screenshotPath, useBrowser } from '../support/browser';
import { call, mappingDoc, startTestRuntime, waitForTerminal, type TestRuntime } from '../support/test-runtime';
import { alertFixture } from '../support/alert-fixtures';

const RUNBOOKS = {
  'ok.sh': '#!/usr/bin/env bash\necho fine\n',
  'fail.sh': '#!/usr/bin/env bash\necho broken\nexit 3\n',
};
const MAPPINGS = mappingDoc('ops', [
  { id: 'ok', name: 'Works', runbook: 'ok.sh' },
  { id: 'fail', name: 'Breaks', runbook: 'fail.sh' },
  { id: 'kube-only', name: 'Kubernetes alerts', runbook: 'ok.sh', match: { alert_rule_pattern: '^Kube' } },
]);

describeInBrowser('the console: overview and unmatched alerts', () => {
  const browser = useBrowser();
  let rt: TestRuntime;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
    const runs = await Promise.all(['ok', 'ok', 'fail'].map((id) => call('POST', `${rt.url}/api/Trigger?id=${id}`)));
    for (const r of runs) await waitForTerminal(rt.url, String(r.body['execId']));
    // Fired just now, as a live alert would be: the overview counts the day's alerts by the time they fired.
    const alert = await call(
      'POST',
      `${rt.url}/api/Trigger`,
      firedNow(alertFixture<AzureAlert>('azmon-metric-fired.json')),
    );
    expect(alert.status).toBeLessThan(300);
    ({ page, errors } = await openPage(browser()));
  });
  afterAll(async () => {
    await page?.context().close();
    await rt?.stop();
  });

  const card = (label: string) => page.locator(`[data-card="${label}"] .card-value`);

  it("counts the day's runs by status, the failure rate and the unmatched alert", async () => {
    await page.goto(`${rt.url}/api/console/`);
    await card('Runs, last 24 h').getByText('3', { exact: true }).waitFor();
    expect(await card('Failure rate').innerText()).toBe('33.3 %');
    expect(await card('Unmatched alerts').innerText()).toBe('1');
    expect(await card('Waiting for approval').innerText()).toBe('0');
    expect(await page.locator('tr[data-status="succeeded"] .num').innerText()).toBe('2');
    expect(await page.locator('tr[data-status="failed"] .num').innerText()).toBe('1');
    expect(await page.locator('[data-health="tables"]').innerText()).toContain('ok');
    await page.screenshot({ path: screenshotPath('overview'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("lists the alert nobody claimed and dry-runs its payload to show each mapping's verdict", async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Unmatched alerts' }).click();
    const row = page.locator('.inbox > li').first();
    await row.waitFor();
    await row.getByRole('button', { name: 'Dry run this payload' }).click();
    const verdicts = row.locator('[data-dry-run]');
    await verdicts.waitFor();
    const text = await verdicts.innerText();
    expect(text).toContain('ops/kube-only');
    expect(text).toContain('does not match');
    expect(text).toMatch(/\^Kube/);
    await page.screenshot({ path: screenshotPath('unmatched'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('reads in a dark theme and on a phone, and is usable by keyboard', async () => {
    const dark = await openPage(browser(), { dark: true, phone: true });
    await dark.page.goto(`${rt.url}/api/console/#/runs`);
    await dark.page.locator('table.runs tbody tr').nth(2).waitFor();
    const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(21, 24, 28)');
    // The page fits the phone's width: nothing scrolls sideways but the table's own box.
    const wide = await dark.page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide).toBeLessThanOrEqual(390);
    await dark.page.screenshot({ path: screenshotPath('executions-phone-dark'), fullPage: true });
    // Keyboard: the skip link first, then the navigation, each with a visible focus.
    await dark.page.keyboard.press('Tab');
    expect(await dark.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await dark.page.keyboard.press('Tab');
    await dark.page.keyboard.press('Tab');
    await dark.page.keyboard.press('Enter');
    await dark.page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(dark.errors).toEqual([]);
    await dark.context.close();
  });
});

type AzureAlert = { data: { essentials: { firedDateTime: string } } };

function firedNow(alert: AzureAlert): AzureAlert {
  return {
    ...alert,
    data: { ...alert.data, essentials: { ...alert.data.essentials, firedDateTime: new Date().toISOString() } },
  };
}
