// Approval pages: the self-contained HTML a signed link opens, its outcome pages, and the headers they go out with.
import type { ApprovalAction } from '../domain/approvals/approval';
import type { Execution } from '../domain/runs/execution';

export type ApprovalPageView = {
  readonly action: ApprovalAction;
  readonly execId: string;
  readonly status: string;
  /** partition/id */
  readonly mapping: string;
  readonly mappingName: string;
  readonly runbook: string;
  readonly runArgs: string;
  readonly resource: string | null;
  readonly rule: string | null;
  readonly requestedBy: string | null;
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly because: 'mapping' | 'budget';
  /** x-ms-client-principal-name when present */
  readonly principal: string | null;
  /** The same path and query the page was opened with: the signature travels with the POST. */
  readonly formAction: string;
};

/** What the page shows of a run waiting for `action`; `formAction` is the link the page's form posts back to. */
export function toApprovalPageView(
  e: Execution,
  action: ApprovalAction,
  principal: string | null,
  formAction: string,
): ApprovalPageView {
  return {
    action,
    execId: e.execId,
    status: e.status,
    mapping: `${e.partition}/${e.mappingId}`,
    mappingName: e.mappingName,
    runbook: e.runbook,
    runArgs: e.runArgs,
    resource: e.alert?.resource.id ?? null,
    rule: e.alert?.rule ?? null,
    requestedBy: e.requestedBy ?? null,
    requestedAt: e.requestedAt,
    expiresAt: e.approval?.expiresAt ?? '',
    because: e.approval?.because ?? 'mapping',
    principal,
    formAction,
  };
}

export type PageLink = { readonly href: string; readonly label: string };

export const HTML_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  // Keeps the signed URL out of Referer headers sent to anything the page links to.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const BUTTON: Readonly<Record<ApprovalAction, string>> = { approve: 'Approve and run', reject: 'Reject' };
const HEADING: Readonly<Record<ApprovalAction, string>> = { approve: 'Approve this run?', reject: 'Reject this run?' };
const BECAUSE: Readonly<Record<ApprovalPageView['because'], string>> = {
  mapping: 'The mapping requires a human approval for every run.',
  budget: "The mapping's remediation budget is spent, so this run needs a human approval.",
};

export function renderApprovalPage(view: ApprovalPageView): string {
  const pending = view.status === 'pending_approval';
  const body = [
    `<h1>${escapeHtml(pending ? HEADING[view.action] : 'Already decided')}</h1>`,
    `<p>${escapeHtml(BECAUSE[view.because])}</p>`,
    detailsTable(view),
    pending ? decisionForm(view) : alreadyDecided(view.status),
  ];
  return page(pending ? HEADING[view.action] : 'Already decided', body.join('\n'));
}

export function renderResultPage(title: string, message: string, link?: PageLink): string {
  const more = link ? `\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>${more}`);
}

function detailsTable(view: ApprovalPageView): string {
  const rows: readonly (readonly [string, string | null])[] = [
    ['Execution', view.execId],
    ['Status', view.status],
    ['Mapping', `${view.mappingName} (${view.mapping})`],
    ['Runbook', view.runbook],
    ['Arguments', view.runArgs],
    ['Resource', view.resource],
    ['Alert rule', view.rule],
    ['Requested by', view.requestedBy],
    ['Requested at', view.requestedAt],
    ['Link expires', view.expiresAt],
  ];
  const cells = rows.map(
    ([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${cellValue(value)}</td></tr>`,
  );
  return `<table>\n${cells.join('\n')}\n</table>`;
}

const cellValue = (value: string | null): string =>
  value === null || value === '' ? '<span class="none">&mdash;</span>' : `<code>${escapeHtml(value)}</code>`;

function decisionForm(view: ApprovalPageView): string {
  const who =
    view.principal === null
      ? '<p><label for="name">Your name</label><br>' +
        '<input id="name" name="name" type="text" required maxlength="100" autocomplete="name"></p>' +
        '<p class="note">Nobody is signed in here: this deployment has no sign-in, so your name is recorded as ' +
        'typed and proves nothing. Runs under the four-eyes rule need a signed-in approver.</p>'
      : `<p>You are signed in as <strong>${escapeHtml(view.principal)}</strong>.</p>`;
  return [
    `<form method="post" action="${escapeHtml(view.formAction)}">`,
    who,
    `<p><button type="submit" class="${escapeHtml(view.action)}">${escapeHtml(BUTTON[view.action])}</button></p>`,
    '</form>',
  ].join('\n');
}

const alreadyDecided = (status: string): string =>
  `<p>This run is no longer waiting for approval: it is <strong>${escapeHtml(status)}</strong>.</p>`;

const STYLE = `body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #ddd}
th{white-space:nowrap;width:9rem}code{word-break:break-all}.none{color:#888}
input{font:inherit;padding:.3rem;width:20rem;max-width:100%}
button{font:inherit;padding:.5rem 1rem;border:0;border-radius:4px;color:#fff;cursor:pointer}
.approve{background:#1a7f37}.reject{background:#b42318}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} &middot; ClouDO</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
