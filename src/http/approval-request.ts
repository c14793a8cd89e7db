// Approval requests: the signed link, who decides, what answer the caller wants, and the cross-site rule for forms.
import type { HttpRequest } from '@azure/functions';
import type { Decider } from '../domain/approvals/approval';
import { badRequest } from '../domain/shared/errors';
import { refuseCrossSiteChange } from './cross-site';
import type { LinkInput } from '../services/approvals/decide-approval';
import { readJsonBody } from './json-body';
import { parsePersonName, PRINCIPAL_HEADER } from './principal';
import { parseQuery } from './query-params';
import { APPROVAL_QUERY, nameBody } from './api-contract/health';

const MAX_FORM_BYTES = 4096;

/** The signed link a request followed: its route parameters and query. */
export function readApprovalLink(request: HttpRequest): LinkInput {
  const { exp, sig } = parseQuery(request, APPROVAL_QUERY);
  return {
    execId: request.params['execId'] ?? '',
    action: request.params['action'] ?? '',
    exp: exp ?? null,
    sig: sig ?? null,
  };
}

/** The signed-in principal's name (App Service authentication), or null for an anonymous caller. */
export const readPrincipal = (request: HttpRequest): string | null =>
  parsePersonName(request.headers.get(PRINCIPAL_HEADER));

/**
 * Who decides without sign-in: the name typed into the form or the JSON body, else the name a client says it acts
 * for (X-MS-CLIENT-PRINCIPAL-NAME). Either is a claim, never an identity: `signedIn` is false, and four eyes refuses it.
 */
export async function readDecider(request: HttpRequest, json: boolean): Promise<Decider> {
  const claimed = readPrincipal(request);
  let raw: string | undefined;
  if (json) {
    const parsed = nameBody.safeParse(await readJsonBody(request));
    if (!parsed.success) throw badRequest('name', 'Send {"name": "<who decides>"}.');
    raw = parsed.data.name;
  } else {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw badRequest('name', 'Post the form, or JSON.');
    const text = await request.text();
    if (text.length > MAX_FORM_BYTES) throw badRequest('name', 'The form is too large.');
    raw = new URLSearchParams(text).get('name') ?? undefined;
  }
  const name = parsePersonName(raw) ?? claimed;
  if (!name) throw badRequest('name', 'Say who decides: a name of 1 to 100 characters.');
  return { name, signedIn: false };
}

// Programs ask for JSON (a JSON body, or Accept); a browser's form post and link clicks get HTML. Only the exact media
// type counts: "text/plain; charset=json" is a form a browser may send cross-site without asking.
export function prefersJson(request: HttpRequest): boolean {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const accept = request.headers.get('accept') ?? '';
  return type === 'application/json' || (/application\/json/i.test(accept) && !/text\/html/i.test(accept));
}

// A post from another site would borrow the approver's signed-in identity; only the page's own form may post. Checked
// on every POST, whatever answer it asks for: a cross-site fetch asking for JSON needs no preflight either.
export function refuseCrossSiteForm(request: HttpRequest): void {
  refuseCrossSiteChange(request, 'Decide from the approval page itself: cross-site form posts are refused.');
}
