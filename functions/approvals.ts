// Approvals function: GET a signed link shows a confirmation page; only the POST from it (or a JSON POST) decides.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import type { ApprovalAction } from '../src/domain/approvals/approval';
import { AppError, badRequest } from '../src/domain/shared/errors';
import type { Execution } from '../src/domain/runs/execution';
import { approvalPage, HTML_HEADERS, resultPage } from '../src/http/approval-page';
import { errorResponse, htmlErrorResponse } from '../src/http/error-response';
import { createHttpHandler } from '../src/http/http-handler';
import { readJsonBody } from '../src/http/json-body';
import { parseQuery } from '../src/http/query-params';
import { personName, PRINCIPAL_HEADER } from '../src/http/principal';
import { executionPath } from '../src/domain/shared/api-paths';
import type { LinkInput } from '../src/services/approvals/decide-approval';
import type { Logger } from '../src/services/shared/ports';
import type { Provide } from '../src/composition/service-groups';

// The link's own parameters; their meaning is the signature check's to judge.
const APPROVAL_QUERY = { exp: z.string().optional(), sig: z.string().optional() };

export function approvalsFunction(services: Provide<'approvals'>): HttpFunctionOptions {
  return {
    route: 'approvals/{execId}/{action}',
    methods: ['GET', 'POST'],
    // The signed link is the credential: approvers follow it from a page or chat, without a function key.
    authLevel: 'anonymous',
    handler: createHttpHandler(
      (request, log) => handleApproval(services, request, log),
      (err, log, request) => (wantsJson(request) ? errorResponse(err, log) : htmlErrorResponse(err, log)),
    ),
  };
}

async function handleApproval(services: Provide<'approvals'>, request: HttpRequest, log: Logger) {
  const json = wantsJson(request);
  const { exp, sig } = parseQuery(request, APPROVAL_QUERY);
  const link: LinkInput = {
    execId: request.params['execId'] ?? '',
    action: request.params['action'] ?? '',
    exp: exp ?? null,
    sig: sig ?? null,
  };
  const principal = personName(request.headers.get(PRINCIPAL_HEADER));
  // Chat tools and mail scanners fetch links to preview them: a GET must never decide anything.
  if (request.method === 'GET') {
    const { execution, action } = await services().view(link);
    const url = new URL(request.url);
    const page = approvalPage(pageView(execution, action, principal, `${url.pathname}${url.search}`));
    return { status: 200, headers: HTML_HEADERS, body: page };
  }
  if (!json) refuseCrossSite(request);
  const by = principal
    ? { name: principal, signedIn: true }
    : { name: await typedName(request, json), signedIn: false };
  const decided = await services().decide(link, by, log);
  return json ? decidedJson(decided) : decidedHtml(decided);
}

function pageView(e: Execution, action: ApprovalAction, principal: string | null, formAction: string) {
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

const nameBody = z.object({ name: z.string().optional() });
const MAX_FORM_BYTES = 4096;

async function typedName(request: HttpRequest, json: boolean): Promise<string> {
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
  const name = personName(raw);
  if (!name) throw badRequest('name', 'Say who decides: a name of 1 to 100 characters.');
  return name;
}

// A form post from another site would borrow the approver's signed-in identity; only the page's own form may post.
// (A cross-site JSON post needs a CORS preflight, which this app never grants.)
function refuseCrossSite(request: HttpRequest): void {
  const site = request.headers.get('sec-fetch-site');
  // Browsers without Sec-Fetch-Site still send Origin; it must name the host the form was served from.
  const origin = request.headers.get('origin');
  const host = request.headers.get('host') ?? new URL(request.url).host;
  const foreign = site === null && origin !== null && hostOf(origin) !== host.toLowerCase();
  if (site === 'cross-site' || site === 'same-site' || foreign) {
    throw new AppError('forbidden', 'Decide from the approval page itself: cross-site form posts are refused.', {
      field: 'origin',
    });
  }
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return '';
  }
}

// Programs ask for JSON (a JSON body or Accept); a browser's form post and link clicks get HTML.
function wantsJson(request: HttpRequest): boolean {
  const type = request.headers.get('content-type') ?? '';
  const accept = request.headers.get('accept') ?? '';
  return /json/i.test(type) || (/application\/json/i.test(accept) && !/text\/html/i.test(accept));
}

function decidedJson(e: Execution): HttpResponseInit {
  const self = executionPath(e.execId);
  const body = { execId: e.execId, status: e.status, decidedBy: e.approval?.decidedBy ?? null, links: { self } };
  return { status: e.status === 'queued' ? 202 : 200, jsonBody: body };
}

function decidedHtml(e: Execution): HttpResponseInit {
  const by = e.approval?.decidedBy ?? '';
  const page =
    e.status === 'queued'
      ? resultPage('Approved', `Execution ${e.execId} is approved by ${by} and queued to run.`, {
          href: executionPath(e.execId),
          label: 'Follow the execution',
        })
      : resultPage('Rejected', `Execution ${e.execId} is rejected by ${by}; it will not run.`);
  return { status: 200, headers: HTML_HEADERS, body: page };
}
