// Approval pages: everything interpolated is escaped, one form posts back to the signed URL, decided runs get none.
import { describe, expect, it } from 'vitest';
import {
  renderApprovalPage,
  escapeHtml,
  HTML_HEADERS,
  renderResultPage,
  type ApprovalPageView,
} from '../../../src/http/approval-page';

const xss = '<script>alert(1)</script>';

const view = (over: Partial<ApprovalPageView> = {}): ApprovalPageView => ({
  action: 'approve',
  execId: '20261122T100000000Z-00000001',
  status: 'pending_approval',
  mapping: 'prod/restart-web',
  mappingName: 'Restart web',
  runbook: 'restart.sh',
  runArgs: '--force',
  resource: '/subscriptions/s/resourceGroups/rg/providers/x/web',
  rule: 'High CPU',
  requestedBy: 'alert:azure-monitor',
  requestedAt: '2026-11-22T10:00:00.000Z',
  expiresAt: '2026-11-22T11:00:00.000Z',
  because: 'mapping',
  principal: null,
  formAction: '/api/approvals/20261122T100000000Z-00000001/approve?exp=1795345200&sig=abc',
  ...over,
});

const forms = (html: string): number => html.match(/<form\b/g)?.length ?? 0;

describe('escapeHtml', () => {
  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('approvalPage', () => {
  it('escapes hostile values in every field', () => {
    const html = renderApprovalPage(
      view({ runbook: xss, resource: xss, requestedBy: xss, rule: xss, runArgs: xss, mappingName: xss }),
    );
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes a hostile principal and formAction', () => {
    const html = renderApprovalPage(view({ principal: xss, formAction: `/x?a=1&b="><script>` }));
    expect(html).not.toContain('<script');
    expect(html).toContain('action="/x?a=1&amp;b=&quot;&gt;&lt;script&gt;"');
  });

  it('posts one form to formAction, the & in its query escaped', () => {
    const html = renderApprovalPage(view());
    expect(forms(html)).toBe(1);
    expect(html).toContain(
      '<form method="post" action="/api/approvals/20261122T100000000Z-00000001/approve?exp=1795345200&amp;sig=abc">',
    );
    expect(html).toContain('Approve and run');
    expect(renderApprovalPage(view({ action: 'reject' }))).toContain('>Reject</button>');
  });

  it('asks for a name only when nobody is signed in', () => {
    const anonymous = renderApprovalPage(view());
    expect(anonymous).toContain('Your name');
    expect(anonymous).toContain('this deployment has no sign-in, so your name is recorded as typed and proves nothing');
    expect(anonymous).toMatch(/<input [^>]*name="name"[^>]*required[^>]*maxlength="100"[^>]*autocomplete="name"/);
    const signedIn = renderApprovalPage(view({ principal: 'alice@example.com' }));
    expect(signedIn).not.toContain('name="name"');
    expect(signedIn).toContain('You are signed in as <strong>alice@example.com</strong>');
  });

  it('shows a decided run without a form', () => {
    const html = renderApprovalPage(view({ status: 'queued' }));
    expect(forms(html)).toBe(0);
    expect(html).not.toContain('<button');
    expect(html).toContain('no longer waiting for approval');
    expect(html).toContain('queued');
  });

  it('shows the run details, with a dash for missing values', () => {
    const html = renderApprovalPage(view({ resource: null, rule: null, requestedBy: null, because: 'budget' }));
    for (const text of ['20261122T100000000Z-00000001', 'prod/restart-web', 'Restart web', 'restart.sh', '--force']) {
      expect(html).toContain(text);
    }
    expect(html).toContain('budget');
    expect(html).toContain('&mdash;');
  });
});

describe('resultPage', () => {
  it('escapes title, message and link', () => {
    const html = renderResultPage(xss, xss, { href: '/api/logs/"x"', label: xss });
    expect(html).not.toContain('<script');
    expect(html).toContain('href="/api/logs/&quot;x&quot;"');
  });

  it('has no form and no script', () => {
    const html = renderResultPage('Link expired', 'The link expired at 2026-11-22T11:00:00.000Z.');
    expect(forms(html)).toBe(0);
    expect(html).not.toContain('<script');
    expect(html).toContain('<h1>Link expired</h1>');
  });
});

describe('HTML_HEADERS', () => {
  it('forbids scripts, framing and referrers, and caching', () => {
    expect(HTML_HEADERS['Content-Security-Policy']).toContain("default-src 'none'");
    expect(HTML_HEADERS['Content-Security-Policy']).not.toContain('script-src');
    expect(HTML_HEADERS['Referrer-Policy']).toBe('no-referrer');
    expect(HTML_HEADERS['X-Frame-Options']).toBe('DENY');
    expect(HTML_HEADERS['Cache-Control']).toBe('no-store');
  });
});
