// The console by role, in a real browser, signed in as App Service would sign people in: a Reader sees no button it
// cannot use; an Approver approves and rejects from the inbox after confirming; four eyes holds in the page too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInBrowser, openPage, screenshotPath, useBrowser } from '../support/browser';
import { principal, useSignedInRuntime, type Who } from '../support/principals';
import { mappingDoc } from '../support/test-runtime';
import { readUntil } from '../support/poll';

const RUNBOOKS = { 'hello.sh': '#!/usr/bin/env bash\necho hello\n', 'slow.sh': '#!/usr/bin/env bash\nsleep 60\n' };
const MAPPINGS = mappingDoc('ops', [
  { id: 'gated', name: 'Restart the database', runbook: 'hello.sh', require_approval: true, four_eyes: true },
  { id: 'slow', name: 'Slow job', runbook: 'slow.sh' },
]);

const READER: Who = { oid: 'oid-reader', name: 'rita', roles: ['ClouDO.Reader'] };
const OPERATOR: Who = { oid: 'oid-operator', name: 'otto', roles: ['ClouDO.Operator'] };
// She may also run, so four eyes is what stops her approving her own run.
const APPROVER: Who = { oid: 'oid-approver', name: 'april', roles: ['ClouDO.Approver', 'ClouDO.Operator'] };

describeInBrowser('the console: approvals and roles', () => {
  const browser = useBrowser();
  const { as, runtime } = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
  const base = () => `${runtime().url}/api/console/`;
  const pages: Page[] = [];
  const ids: string[] = [];
  const pageAs = async (who: Who) => {
    const { page, errors } = await openPage(browser(), { principal: principal(who) });
    pages.push(page);
    return { page, errors };
  };

  beforeAll(async () => {
    // Two runs asked for by an Operator, then one by the Approver (who may not approve it: four eyes).
    for (const who of [OPERATOR, OPERATOR, APPROVER])
      ids.push(String((await as(who, 'POST', 'runs?id=gated')).body['execId']));
  });
  afterAll(async () => {
    for (const p of pages) await p.context().close();
  });

  it('tells a visitor without a sign-in to sign in, and shows nothing else', async () => {
    const { page } = await openPage(browser());
    pages.push(page);
    await page.goto(base());
    await page.getByRole('alert').getByText('reload the page to sign in').waitFor();
    expect(await page.locator('main h1').count()).toBe(0);
  });

  it('shows a Reader what waits and what runs, with no button the Reader may not use', async () => {
    const { page, errors } = await pageAs(READER);
    await page.goto(`${base()}#/approvals`);
    await page.locator(`[data-exec="${ids[0]}"]`).waitFor();
    expect(await page.locator('.inbox > li').count()).toBe(3);
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.getByText('deciding needs the ClouDO.Approver role').waitFor();
    await page.goto(`${base()}#/mappings/ops/slow`);
    await page.getByRole('button', { name: 'Dry run' }).waitFor();
    expect(await page.getByRole('button', { name: 'Run', exact: true }).count()).toBe(0);
    await page.goto(`${base()}#/runs/${ids[0]}`);
    await page.locator('h1 [data-status="pending_approval"]').waitFor();
    expect(await page.getByRole('button', { name: /Cancel|Approve|Reject/ }).count()).toBe(0);
    expect(await page.locator('.who').innerText()).toContain('rita');
    expect(errors).toEqual([]);
  });

  it('lets an Operator run and cancel, but not approve', async () => {
    const { page } = await pageAs(OPERATOR);
    await page.goto(`${base()}#/mappings/ops/slow`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/runs\//);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the run' }).click();
    await page.locator('h1 [data-status="cancelled"]').waitFor({ timeout: 30_000 });
    await page.goto(`${base()}#/approvals`);
    await page.locator(`[data-exec="${ids[0]}"]`).waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
  });

  it("approves and rejects from the inbox after a confirmation, and offers no Approve on an approver's own run", async () => {
    const { page, errors } = await pageAs(APPROVER);
    await page.goto(`${base()}#/approvals`);
    const [first, second, own] = ids.map((id) => page.locator(`[data-exec="${id}"]`));
    await first!.waitFor();
    await page.screenshot({ path: screenshotPath('approvals'), fullPage: true });
    await first!.getByRole('button', { name: 'Approve' }).click();
    const confirm = page.getByRole('dialog', { name: 'Approve this run?' }).first();
    await confirm.getByRole('button', { name: 'Approve and run' }).click();
    await first!.waitFor({ state: 'detached' });
    await second!.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('dialog', { name: 'Reject this run?' }).getByRole('button', { name: 'Reject' }).click();
    await second!.waitFor({ state: 'detached' });
    // Her own run: four eyes, so no Approve button, and the reason in its place; she may still reject it.
    await own!.locator('[data-four-eyes]').getByText('someone else must approve your run').waitFor();
    expect(await own!.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await own!.getByRole('button', { name: 'Reject' }).count()).toBe(1);
    const status = async (id: string) => String((await as(READER, 'GET', `logs/${id}`)).body['status']);
    expect(
      await readUntil(
        () => status(ids[0]!),
        (s) => s === 'succeeded',
        30_000,
      ),
    ).toBe('succeeded');
    expect(await status(ids[1]!)).toBe('rejected');
    expect(await status(ids[2]!)).toBe('pending_approval');
    const decided = (await as(READER, 'GET', `logs/${ids[0]}`)).body['approval'] as Record<string, unknown>;
    expect(decided['decidedBy']).toBe('april');
    expect(errors).toEqual([]);
  });
});
