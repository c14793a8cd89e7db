// Page content: the Opsgenie alerts, close notes and chat texts ClouDO sends about an execution, every field bounded.
import type { OpsgenieAlert, OpsgenieClose } from '../services/oncall-ports';
import type { Execution } from './execution';
import { sha256Hex } from './hash';
import type { NotificationKind } from './notification';
import { PRIORITIES, type Priority } from './paging';

// Opsgenie's limits (message 130, alias and entity 512, description 15,000, 20 tags of 50, details 8,000 in all).
const MESSAGE = 130;
const ALIAS = 512;
const ENTITY = 512;
const DESCRIPTION = 15_000;
const DETAIL_VALUE = 1000;
const DETAILS_TOTAL = 8000;
const TAGS = 20;
const TAG = 50;
const CHAT = 3000;
// Sender-controlled pieces of one line, and of a message, so that the rest of the line still shows.
const LINE = 1000;
const PART = 40;
const RECENT_LISTED = 20;

type Links = { readonly execution: string };
type ApprovalLinks = Links & { readonly approve: string; readonly reject: string };

export function pageAlias(e: Execution): string {
  const id = e.alert?.resource.id;
  const target = id ? sha256Hex(id.toLowerCase()).slice(0, 16) : 'none';
  return boundAlias(`cloudo/${e.partition}/${e.mappingId}/${target}`);
}

export const approvalAlias = (execId: string): string => boundAlias(`cloudo/approval/${execId}`);

const SEVERITY_WORDS: Readonly<Record<Priority, readonly string[]>> = {
  P1: ['sev0', 'critical', 'fatal', 'emergency', 'page'],
  P2: ['sev1', 'high', 'error', 'major'],
  P3: ['sev2', 'warning', 'warn', 'medium'],
  P4: ['sev3', 'minor'],
  P5: ['sev4', 'low', 'info', 'informational', 'none'],
};

/** The mapping's override, else the alert's severity (Azure Sev0..Sev4 or an Alertmanager word), else P3. */
export function priorityFor(e: Execution): Priority {
  if (e.paging?.priority) return e.paging.priority;
  const severity = e.alert?.severity?.trim().toLowerCase() ?? '';
  return PRIORITIES.find((p) => SEVERITY_WORDS[p].includes(severity)) ?? 'P3';
}

/** The page for a run that failed, was throttled by its budget, or whose approval expired. */
export function failureAlert(e: Execution, links: Links): OpsgenieAlert {
  const description = withOutputTail([...contextLines(e), ...budgetLines(e)].join('\n'), e.output, DESCRIPTION);
  return {
    ...common(e, ['cloudo', e.status]),
    message: clip(`ClouDO: ${headline(e)}`, MESSAGE),
    alias: pageAlias(e),
    description,
    details: details([...baseDetails(e, links), ...ruleDetail(e)]),
  };
}

/** The page asking on-call to approve or reject a run; links come first so no cut ever breaks them. */
export function approvalAlert(e: Execution, links: ApprovalLinks): OpsgenieAlert {
  const expires = e.approval?.expiresAt ?? 'unknown';
  const why = e.approval?.because === 'budget' ? 'its remediation budget is spent' : 'the mapping requires approval';
  const head = [`Approve: ${links.approve}`, `Reject: ${links.reject}`, `The links expire at ${expires}.`, ''];
  const fourEyes = e.approval?.fourEyes ? ['Four-eyes: whoever requested the run may not approve it.'] : [];
  const body = [`Needs approval because ${why}.`, ...fourEyes, ...contextLines(e), ...budgetLines(e)].join('\n');
  return {
    ...common(e, ['cloudo', 'approval']),
    message: clip(`ClouDO: approve ${clip(e.runbook, PART)}${onTarget(e)}?`, MESSAGE),
    alias: approvalAlias(e.execId),
    description: clip([...head, body].join('\n'), DESCRIPTION),
    details: details([
      ['approve', links.approve],
      ['reject', links.reject],
      ['expiresAt', expires],
      ...baseDetails(e, links),
      ...ruleDetail(e),
    ]),
  };
}

export function closeNote(e: Execution, kind: 'recovered' | 'decided'): OpsgenieClose {
  return {
    source: 'ClouDO',
    note: clip(`Closed by ClouDO: execution ${e.execId} of ${ref(e)} ${outcome(e, kind)}.`, LINE),
  };
}

/** One plain-text chat message about the execution, links included whole. */
export function chatText(e: Execution, kind: NotificationKind, links: Links & Partial<ApprovalLinks>): string {
  if (kind === 'recovered' || kind === 'decided') return closeNote(e, kind).note;
  if (kind === 'approval') {
    const lines = [`ClouDO: approve ${clip(e.runbook, PART)}${onTarget(e)} (${clip(ref(e), PART)})?`];
    if (links.approve) lines.push(`Approve: ${links.approve}`);
    if (links.reject) lines.push(`Reject: ${links.reject}`);
    lines.push(`The links expire at ${e.approval?.expiresAt ?? 'unknown'}.`, `Details: ${links.execution}`);
    return clip(lines.join('\n'), CHAT);
  }
  const head = [`ClouDO: ${headline(e)}`, ...resultLines(e), `Details: ${links.execution}`].join('\n');
  return withOutputTail(head, kind === 'failure' ? e.output : undefined, CHAT);
}

function headline(e: Execution): string {
  const what = clip(e.runbook, PART);
  const where = `${onTarget(e)} (${clip(ref(e), PART)})`;
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

function contextLines(e: Execution): string[] {
  const a = e.alert;
  const lines = [
    `Execution ${e.execId} of ${ref(e)} (${e.mappingName}), runbook ${e.runbook}`,
    ...resultLines(e),
    `Trigger: ${e.trigger}`,
    a?.rule ? `Rule: ${a.rule}` : '',
    a?.severity ? `Severity: ${a.severity}` : '',
    a ? `Monitor condition: ${a.monitorCondition}` : '',
    a?.resource.id ? `Resource: ${a.resource.id}` : '',
    e.requestedBy ? `Requested by: ${e.requestedBy}` : '',
  ];
  return lines.filter((l) => l !== '').map((l) => clip(l, LINE));
}

function resultLines(e: Execution): string[] {
  const exit = e.exitCode === undefined || e.exitCode === null ? '' : `, exit code ${e.exitCode}`;
  return [`Status: ${e.status}${exit}`, ...(e.error ? [clip(`Error: ${e.error}`, LINE)] : [])];
}

function budgetLines(e: Execution): string[] {
  const b = e.budget;
  if (!b) return [];
  const recent = b.recent.slice(-RECENT_LISTED).map((u) => clip(`- ${u.execId} at ${u.usedAt}`, PART * 4));
  const more = b.recent.length > RECENT_LISTED ? [`(and ${b.recent.length - RECENT_LISTED} earlier)`] : [];
  const head = `Budget: ${b.count} runs per ${b.windowSeconds}s per ${b.per}; the runs in the window:`;
  return [head, ...more, ...recent];
}

/** `head`, then as much of the END of the output as fits: the last lines usually say what went wrong. */
function withOutputTail(head: string, output: string | undefined, max: number): string {
  const top = clip(head, Math.floor(max / 2));
  if (!output) return top;
  const whole = `${top}\n\nOutput:\n${output}`;
  if (whole.length <= max) return whole;
  const label = `${top}\n\nOutput (cut: only the end of ${output.length} characters is shown):\n…`;
  return label + tail(output, max - label.length);
}

function common(
  e: Execution,
  tags: readonly string[],
): Omit<OpsgenieAlert, 'message' | 'alias' | 'description' | 'details'> {
  const responders = e.paging?.responders ?? [];
  return {
    priority: priorityFor(e),
    tags: boundTags([...tags, ...(e.paging?.tags ?? [])]),
    entity: clip(e.alert?.resource.id || ref(e), ENTITY),
    source: 'ClouDO',
    ...(responders.length > 0 ? { responders: responders.slice(0, 50) } : {}),
  };
}

function baseDetails(e: Execution, links: Links): [string, string][] {
  const exit = e.exitCode === undefined || e.exitCode === null ? '' : String(e.exitCode);
  return [
    ['execId', e.execId],
    ['link', links.execution],
    ['mapping', ref(e)],
    ['runbook', e.runbook],
    ['exitCode', exit],
    ['status', e.status],
    ['resource', e.alert?.resource.id ?? ''],
    ['trigger', e.trigger],
  ];
}

const ruleDetail = (e: Execution): [string, string][] => (e.alert?.rule ? [['rule', e.alert.rule]] : []);

function details(entries: readonly [string, string][]): Record<string, string> {
  let room = DETAILS_TOTAL;
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    const kept = clip(value, Math.min(DETAIL_VALUE, room - key.length));
    out[key] = kept;
    room -= key.length + kept.length;
  }
  return out;
}

function boundTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags.map((s) => head(s.trim(), TAG))) if (t && !out.includes(t) && out.length < TAGS) out.push(t);
  return out;
}

const ref = (e: Execution): string => `${e.partition}/${e.mappingId}`;

function onTarget(e: Execution): string {
  const r = e.alert?.resource;
  const name = r?.name || r?.id;
  return name ? ` on ${clip(name, PART)}` : '';
}

// An over-long alias keeps a hash of the whole, so two long aliases stay different.
function boundAlias(alias: string): string {
  return alias.length <= ALIAS ? alias : `${head(alias, ALIAS - 65)}~${sha256Hex(alias)}`;
}

/** At most `max` UTF-16 units of `s`, "…" marking a cut; never splits a surrogate pair. */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return max < 1 ? '' : `${head(s, max - 1)}…`;
}

function head(s: string, n: number): string {
  const cut = s.slice(0, Math.max(0, n));
  return isHigh(cut.charCodeAt(cut.length - 1)) ? cut.slice(0, -1) : cut;
}

function tail(s: string, n: number): string {
  if (n <= 0) return '';
  const cut = s.slice(-n);
  return isLow(cut.charCodeAt(0)) ? cut.slice(1) : cut;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
