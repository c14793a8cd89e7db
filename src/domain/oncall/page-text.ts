// Page text: the sentences ClouDO writes about an execution, shared by Opsgenie alerts, close notes and chat.
import type { Execution } from '../runs/execution';
import type { NotificationKind } from './notification';
import { clip, withOutputTail } from '../shared/text-bounds';

// Sender-controlled pieces of one line, and of a message, so that the rest of the line still shows.
export const LINE = 1000;
export const PART = 40;
const CHAT = 3000;
const RECENT_LISTED = 20;

export type Links = { readonly execution: string };
export type ApprovalLinks = Links & { readonly approve: string; readonly reject: string };

export type OpsgenieClose = { readonly source: string; readonly note: string };

export function closeNote(e: Execution, kind: 'recovered' | 'decided'): OpsgenieClose {
  return {
    source: 'ClouDO',
    note: clip(`Closed by ClouDO: execution ${e.execId} of ${formatRef(e)} ${outcome(e, kind)}.`, LINE),
  };
}

/** One plain-text chat message about the execution, links included whole. */
export function formatChatText(e: Execution, kind: NotificationKind, links: Links & Partial<ApprovalLinks>): string {
  if (kind === 'recovered' || kind === 'decided') return closeNote(e, kind).note;
  if (kind === 'approval') {
    const lines = [`ClouDO: approve ${clip(e.runbook, PART)}${onTarget(e)} (${clip(formatRef(e), PART)})?`];
    if (links.approve) lines.push(`Approve: ${links.approve}`);
    if (links.reject) lines.push(`Reject: ${links.reject}`);
    lines.push(`The links expire at ${e.approval?.expiresAt ?? 'unknown'}.`, `Details: ${links.execution}`);
    return clip(lines.join('\n'), CHAT);
  }
  const head = [`ClouDO: ${formatHeadline(e)}`, ...formatResultLines(e), `Details: ${links.execution}`].join('\n');
  return withOutputTail(head, kind === 'failure' ? e.output : undefined, CHAT);
}

export function formatHeadline(e: Execution): string {
  const what = clip(e.runbook, PART);
  const where = `${onTarget(e)} (${clip(formatRef(e), PART)})`;
  if (e.status === 'throttled') return `budget spent, ${what} not run${where}`;
  if (e.status === 'expired') return `approval expired, ${what} not run${where}`;
  const verb = e.status === 'timed_out' ? 'timed out' : e.status === 'error' ? 'could not run' : 'failed';
  return `${what} ${verb}${where}`;
}

function outcome(e: Execution, kind: 'recovered' | 'decided'): string {
  const by = clip(e.approval?.decidedBy ?? 'someone', PART * 4);
  if (kind === 'recovered') return 'succeeded';
  if (e.status === 'rejected') return `was rejected by ${by}`;
  if (e.status === 'expired') return 'expired before anyone approved it';
  return e.approval?.decidedBy ? `was approved by ${by}` : `is no longer waiting for approval (${e.status})`;
}

export function formatContextLines(e: Execution): string[] {
  const a = e.alert;
  const lines = [
    `Execution ${e.execId} of ${formatRef(e)} (${e.mappingName}), runbook ${e.runbook}`,
    ...formatResultLines(e),
    `Trigger: ${e.trigger}`,
    a?.rule ? `Rule: ${a.rule}` : '',
    a?.severity ? `Severity: ${a.severity}` : '',
    a ? `Monitor condition: ${a.monitorCondition}` : '',
    a?.resource.id ? `Resource: ${a.resource.id}` : '',
    e.requestedBy ? `Requested by: ${e.requestedBy}` : '',
  ];
  return lines.filter((l) => l !== '').map((l) => clip(l, LINE));
}

export function formatResultLines(e: Execution): string[] {
  const exit = e.exitCode === undefined || e.exitCode === null ? '' : `, exit code ${e.exitCode}`;
  return [`Status: ${e.status}${exit}`, ...(e.error ? [clip(`Error: ${e.error}`, LINE)] : [])];
}

export function budgetLines(e: Execution): string[] {
  const b = e.budget;
  if (!b) return [];
  const recent = b.recent.slice(-RECENT_LISTED).map((u) => clip(`- ${u.execId} at ${u.usedAt}`, PART * 4));
  const more = b.recent.length > RECENT_LISTED ? [`(and ${b.recent.length - RECENT_LISTED} earlier)`] : [];
  const head = `Budget: ${b.count} runs per ${b.windowSeconds}s per ${b.per}; the runs in the window:`;
  return [head, ...more, ...recent];
}

export const formatRef = (e: Execution): string => `${e.partition}/${e.mappingId}`;

export function onTarget(e: Execution): string {
  const r = e.alert?.resource;
  const name = r?.name || r?.id;
  return name ? ` on ${clip(name, PART)}` : '';
}
