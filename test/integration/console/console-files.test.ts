// Serving the console: its page and files with a strict policy, by exact name only, cached by ETag; `/` leads to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime';
import { rawRequest } from '../../support/raw-http';

describe('the console files', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ mappings: [], runbooks: {} });
  });
  afterAll(async () => rt?.stop());

  it('serves the page with a policy that allows no inline script, no foreign origin and no framing', async () => {
    const res = await fetch(`${rt.url}/api/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    // Every script is a file of ClouDO's: none is inline, none comes from elsewhere.
    expect(html).toMatch(/<script type="module" src="main\.js"><\/script>/);
    expect(html).not.toMatch(/<script>|https?:\/\//);
  });

  it('serves the bundle and its styles with their types, and answers a repeat by ETag with 304', async () => {
    const js = await fetch(`${rt.url}/api/console/main.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await fetch(`${rt.url}/api/console/main.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const etag = css.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await fetch(`${rt.url}/api/console/main.css`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('sends /api/console to the folder, and the runtime root to the console', async () => {
    const bare = await fetch(`${rt.url}/api/console`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/api/console/');
    const root = await fetch(`${rt.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/api/console/');
  });

  it('opens no other file: unknown names and climbing paths are 404s naming the path', async () => {
    for (const path of [
      'nope.js',
      '..%2f..%2fpackage.json',
      '..%2Fhost.json',
      'sub/main.js',
      '%2e%2e/%2e%2e/host.json',
    ]) {
      const res = await rawRequest(rt.url, `/api/console/${path}`);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain('"version"');
    }
    const wrong = await fetch(`${rt.url}/api/console/`, { method: 'POST' });
    expect(wrong.status).toBe(405);
  });
});
