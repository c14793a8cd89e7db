// Approvals function: GET a signed link shows a confirmation page; only the POST from it (or a JSON POST) decides.
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import type { Execution } from '../src/domain/runs/execution';
import { executionPath } from '../src/domain/shared/api-paths';
import { renderApprovalPage, HTML_HEADERS, renderResultPage, toApprovalPageView } from '../src/http/approval-page';
import {
  prefersJson,
  readApprovalLink,
  readDecider,
  readPrincipal,
  refuseCrossSiteForm,
} from '../src/http/approval-request';
import { toErrorResponse, toHtmlErrorResponse } from '../src/http/error-response';
import { createHttpHandler } from '../src/http/http-handler';
import { auditRefusal, readOrigin, type Guard, type GuardFor } from '../src/http/guarded-handler';
import type { Decider } from '../src/domain/approvals/approval';
import { authorize } from '../src/http/caller';
import type { Logger } from '../src/services/shared/ports';
import type { Answer } from '../src/http/api-contract/common';
import type { decidedAnswer } from '../src/http/api-contract/health';

export function defineApprovalsFunction(services: Provide<'approvals'>, guardFor: GuardFor): HttpFunctionOptions {
  const guard = guardFor('people', 'approve');
  return {
    route: 'approvals/{execId}/{action}',
    methods: ['GET', 'POST'],
    // The signed link is the credential: approvers follow it from a page or chat, without a function key.
    authLevel: 'anonymous',
    handler: createHttpHandler(
      (request, log) =>
        auditRefusal(guard, request, 'approve', log, () => handleApproval(services, guard, request, log)),
      (err, log, request) => (prefersJson(request) ? toErrorResponse(err, log) : toHtmlErrorResponse(err, log)),
    ),
  };
}

async function handleApproval(services: Provide<'approvals'>, guard: Guard, request: HttpRequest, log: Logger) {
  const json = prefersJson(request);
  const link = readApprovalLink(request);
  // Chat tools and mail scanners fetch links to preview them: a GET must never decide anything.
  if (request.method === 'GET') {
    // With sign-in, the page shows the run to those who may read runs, like every other page of them.
    if (guard.auth.mode === 'easy-auth') authorize(request, guard.auth, guard.route, 'read');
    const { execution, action } = await services().view(link);
    const url = new URL(request.url);
    const view = toApprovalPageView(execution, action, readPrincipal(request), `${url.pathname}${url.search}`);
    return { status: 200, headers: HTML_HEADERS, body: renderApprovalPage(view) };
  }
  refuseCrossSiteForm(request);
  const decided = await services().decide(link, await deciderOf(guard, request, json), log, readOrigin(request));
  return json ? decidedJson(decided) : decidedHtml(decided);
}

function decidedJson(e: Execution): HttpResponseInit {
  const self = executionPath(e.execId);
  const body = {
    execId: e.execId,
    status: e.status,
    decidedBy: e.approval?.decidedBy ?? null,
    links: { self },
  } satisfies Answer<typeof decidedAnswer>;
  return { status: e.status === 'queued' ? 202 : 200, jsonBody: body };
}

function decidedHtml(e: Execution): HttpResponseInit {
  const by = e.approval?.decidedBy ?? '';
  const page =
    e.status === 'queued'
      ? renderResultPage('Approved', `Execution ${e.execId} is approved by ${by} and queued to run.`, {
          href: executionPath(e.execId),
          label: 'Follow the execution',
        })
      : renderResultPage('Rejected', `Execution ${e.execId} is rejected by ${by}; it will not run.`);
  return { status: 200, headers: HTML_HEADERS, body: page };
}

// With sign-in, the approver is the verified caller (an Approver, or an Admin); without it, the name typed into the
// form, which the page says proves nothing.
async function deciderOf(guard: Guard, request: HttpRequest, json: boolean): Promise<Decider> {
  if (guard.auth.mode !== 'easy-auth') return readDecider(request, json);
  // A refusal here is audited by the handler around it.
  const caller = authorize(request, guard.auth, guard.route, 'approve');
  return { name: caller.name, signedIn: true, caller };
}
