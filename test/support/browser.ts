// Headless Chromium for the console's tests: Debian's browser driven by playwright-core, a fresh profile per test file.
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';

// Playwright cannot download its own browser here: the tests drive the system one.
const CANDIDATES = [process.env['CLOUDO_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMIUM = CANDIDATES.find((p): p is string => typeof p === 'string' && p !== '' && existsSync(p));

const HOW = 'Install it with `sudo apt-get install chromium` (Debian), or set CLOUDO_CHROMIUM to a Chromium binary.';

// In CI a missing browser fails the run: a silent skip would pass a console nobody tested.
if (!CHROMIUM && process.env['CI']) throw new Error(`The console's browser tests need Chromium. ${HOW}`);

/** `describe` when a browser is here; otherwise a skipped suite that says how to get one. */
export const describeInBrowser: typeof describe = CHROMIUM
  ? describe
  : (((name: string) => describe.skip(`${name} (no Chromium: ${HOW})`, () => undefined)) as unknown as typeof describe);

// Without these, Chromium reaches for Google's services at start, which this network refuses.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One browser for the file, launched before its tests and closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  afterAll(async () => browser?.close());
  return () => {
    if (!browser) throw new Error('the browser is not started');
    return browser;
  };
}

/** A page in a new context: `principal` is sent as X-MS-CLIENT-PRINCIPAL on every request, as App Service would. */
export async function openPage(browser: Browser, opts: { principal?: string; dark?: boolean; phone?: boolean } = {}) {
  const context: BrowserContext = await browser.newContext({
    ...(opts.principal ? { extraHTTPHeaders: { 'x-ms-client-principal': opts.principal } } : {}),
    colorScheme: opts.dark ? 'dark' : 'light',
    viewport: opts.phone ? { width: 390, height: 844 } : { width: 1280, height: 860 },
  });
  // Well under the test's own timeout, so a missing element fails with Playwright's account of what it waited for.
  context.setDefaultTimeout(20_000);
  const page: Page = await context.newPage();
  const errors: string[] = [];
  // A script error or a CSP refusal is a test failure, not noise.
  page.on('pageerror', (err) => errors.push(String(err)));
  // Refused API calls (a 403 a test provokes) are logged by the browser too; those are the test's to check.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return { page, context, errors };
}

/**
 * Where screenshots go: docs/console/ when CLOUDO_SCREENSHOTS=docs (`npm run docs:screenshots`), else a temporary
 * folder, so a test run never changes the working tree.
 */
export function screenshotPath(name: string): string {
  const dir =
    process.env['CLOUDO_SCREENSHOTS'] === 'docs'
      ? path.resolve(__dirname, '../../docs/console')
      : path.join(os.tmpdir(), 'cloudo-console-shots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}
