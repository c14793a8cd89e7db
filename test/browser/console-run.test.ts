// The console in a real browser: find a mapping, dry run and run it with parameters, follow its output line by line,
// cancel a long run, and filter the executions list.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser, openPage, screenshotPath, useBrowser } from '../support/browser';
import { call, mappingDoc, startTestRuntime, type TestRuntime } from '../support/test-runtime';

const RUNBOOKS = {
  // Lines a little apart, so the page is seen showing some of them while the run goes on.
  'greet.sh': [
    '#!/usr/bin/env bash',
    'for i in $(seq 1 "$CLOUDO_PARAM_TIMES"); do',
    '  echo "hello $CLOUDO_PARAM_NAME $i (loud=$CLOUDO_PARAM_LOUD)"',
    '  sleep 0.7',
    'done',
    '',
  ].join('\n'),
  'long.sh': '#!/usr/bin/env bash\necho started\nsleep 300\n',
  'check.sh': '#!/usr/bin/env bash\necho ok\n',
};
const MAPPINGS = mappingDoc('ops', [
  {
    id: 'greet',
    name: 'Greet someone',
    runbook: 'greet.sh',
    description: 'Says hello, a few times.',
    params: {
      NAME: { type: 'string', required: true, pattern: '[A-Za-z]+', description: 'who to greet' },
      TIMES: { type: 'integer', min: 1, max: 9, default: 2 },
      LOUD: { type: 'boolean', default: false },
      TOKEN: { type: 'string', secret: true },
    },
  },
  { id: 'long', name: 'Long job', runbook: 'long.sh', concurrency: { limit: 2, on_busy: 'skip' } },
  { id: 'check', name: 'Health check', runbook: 'check.sh' },
]);

describeInBrowser('the console: run and follow', () => {
  const browser = useBrowser();
  let rt: TestRuntime;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    rt = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
    ({ page, errors } = await openPage(browser()));
  });
  afterAll(async () => {
    await page?.context().close();
    await rt?.stop();
  });

  it('lands on the console from the runtime root, with no script or policy error', async () => {
    await page.goto(`${rt.url}/`);
    expect(new URL(page.url()).pathname).toBe('/api/console/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('finds a mapping by searching, and shows its parameters as a form', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Mappings' }).click();
    await page.getByText('3 of 3 mappings').waitFor();
    await page.getByLabel('Search').fill('hello');
    await page.getByText('1 of 3 mappings').waitFor();
    await page.getByRole('link', { name: 'Greet someone' }).click();
    await page.getByRole('heading', { name: 'Greet someone' }).waitFor();
    expect(await page.getByLabel('TOKEN').getAttribute('type')).toBe('password');
    expect(await page.getByLabel('TIMES').getAttribute('type')).toBe('number');
    await page.screenshot({ path: screenshotPath('mapping'), fullPage: true });
  });

  it('names the field a bad value is refused for, then previews the run without running it', async () => {
    await page.getByLabel('NAME (required)').fill('Ada 1');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('alert').filter({ hasText: 'params.NAME' }).waitFor();
    await page.getByLabel('NAME (required)').fill('Ada');
    await page.getByLabel('TIMES').fill('4');
    await page.getByLabel('TOKEN').fill('hunter22');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const preview = page.locator('[data-preview]');
    await preview.getByText('would be queued').waitFor();
    const text = await preview.innerText();
    expect(text).toContain('[secret]');
    expect(text).not.toContain('hunter22');
    expect((await call('GET', `${rt.url}/api/logs`)).body['items']).toEqual([]);
  });

  it('runs it and follows the output live, line by line, to the end', async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/runs\/\d{8}T/);
    const output = page.locator('[data-output]');
    // Seen part-way: the first line is there while the last is not yet.
    await output.getByText('hello Ada 1').waitFor();
    expect(await output.innerText()).not.toContain('hello Ada 4');
    await page.locator('[data-follow="following"]').waitFor();
    await page.locator('h1 [data-status="succeeded"]').waitFor({ timeout: 30_000 });
    const done = await output.innerText();
    expect(done.match(/hello Ada \d/g)).toEqual(['hello Ada 1', 'hello Ada 2', 'hello Ada 3', 'hello Ada 4']);
    expect(done).not.toContain('hunter22');
    await page.screenshot({ path: screenshotPath('execution'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('cancels a long run after asking, with a reason', async () => {
    await page.goto(`${rt.url}/api/console/#/mappings/ops/long`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/runs\//);
    await page.locator('[data-output]').getByText('started').waitFor({ timeout: 30_000 });
    const runPage = page.url();
    // The mapping's page shows its concurrency slots as they are now.
    await page.goto(`${rt.url}/api/console/#/mappings/ops/long`);
    await page
      .locator('[data-concurrency]')
      .getByText('2 at a time per mapping, skips when busy · now 1 running')
      .waitFor();
    await page.goto(runPage);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this run?' });
    await dialog.getByLabel('Reason').fill('wrong host');
    await dialog.getByRole('button', { name: 'Cancel the run' }).click();
    await page.locator('h1 [data-status="cancelled"]').waitFor({ timeout: 30_000 });
    await page.getByText('wrong host').first().waitFor();
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
  });

  it('lists executions newest first and filters them by status', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Executions' }).click();
    await page.locator('table.runs tbody tr').nth(1).waitFor();
    const statuses = await page
      .locator('table.runs tbody tr [data-status]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses).toEqual(['cancelled', 'succeeded']);
    await page.screenshot({ path: screenshotPath('executions'), fullPage: true });
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/status=succeeded/);
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
