// Opsgenie alerts: the pages ClouDO sends about an execution, their aliases and priority, every field bounded.
import type { Execution } from '../runs/execution';
import { sha256Hex } from '../shared/hash';
import {
  budgetLines,
  formatContextLines,
  formatHeadline,
  onTarget,
  PART,
  formatRef,
  type ApprovalLinks,
  type Links,
} from './page-text';
import { PRIORITIES, type Priority, type Responder } from './paging';
import { clip, takeHead, withOutputTail } from '../shared/text-bounds';

// Opsgenie's limits (message 130, alias and entity 512, description 15,000, 20 tags of 50, details 8,000 in all).
const MESSAGE = 130;
const ALIAS = 512;
const ENTITY = 512;
const DESCRIPTION = 15_000;
const DETAIL_VALUE = 1000;
const DETAILS_TOTAL = 8000;
const TAGS = 20;
const TAG = 50;

/** An Opsgenie (or JSM Ops) alert as the Alert API v2 takes it. */
export type OpsgenieAlert = {
  readonly message: string;
  readonly alias: string;
  readonly description: string;
  readonly details: Readonly<Record<string, string>>;
  readonly priority: Priority;
  readonly tags: readonly string[];
  readonly entity?: string | undefined;
  readonly source: string;
  readonly responders?: readonly Responder[] | undefined;
};

export function pageAlias(e: Execution): string {
  const id = e.alert?.resource.id;
  const target = id ? sha256Hex(id.toLowerCase()).slice(0, 16) : 'none';
  return boundAlias(`cloudo/${e.partition}/${e.mappingId}/${target}`);
}

export const toApprovalAlias = (execId: string): string => boundAlias(`cloudo/approval/${execId}`);

const SEVERITY_WORDS: Readonly<Record<Priority, readonly string[]>> = {
  P1: ['sev0', 'critical', 'fatal', 'emergency', 'page'],
  P2: ['sev1', 'high', 'error', 'major'],
  P3: ['sev2', 'warning', 'warn', 'medium'],
  P4: ['sev3', 'minor'],
  P5: ['sev4', 'low', 'info', 'informational', 'none'],
};

/** The mapping's override, else the alert's severity (Azure Sev0..Sev4 or an Alertmanager word), else P3. */
export function choosePriority(e: Execution): Priority {
  if (e.paging?.priority) return e.paging.priority;
  const severity = e.alert?.severity?.trim().toLowerCase() ?? '';
  return PRIORITIES.find((p) => SEVERITY_WORDS[p].includes(severity)) ?? 'P3';
}

/** The page for a run that failed, was throttled by its budget, or whose approval expired. */
export function buildFailureAlert(e: Execution, links: Links): OpsgenieAlert {
  const description = withOutputTail([...formatContextLines(e), ...budgetLines(e)].join('\n'), e.output, DESCRIPTION);
  return {
    ...common(e, ['cloudo', e.status]),
    message: clip(`ClouDO: ${formatHeadline(e)}`, MESSAGE),
    alias: pageAlias(e),
    description,
    details: details([...baseDetails(e, links), ...ruleDetail(e)]),
  };
}

/** The page asking on-call to approve or reject a run; links come first so no cut ever breaks them. */
export function buildApprovalAlert(e: Execution, links: ApprovalLinks): OpsgenieAlert {
  const expires = e.approval?.expiresAt ?? 'unknown';
  const why = e.approval?.because === 'budget' ? 'its remediation budget is spent' : 'the mapping requires approval';
  const head = [`Approve: ${links.approve}`, `Reject: ${links.reject}`, `The links expire at ${expires}.`, ''];
  const fourEyes = e.approval?.fourEyes ? ['Four-eyes: whoever requested the run may not approve it.'] : [];
  const body = [`Needs approval because ${why}.`, ...fourEyes, ...formatContextLines(e), ...budgetLines(e)].join('\n');
  return {
    ...common(e, ['cloudo', 'approval']),
    message: clip(`ClouDO: approve ${clip(e.runbook, PART)}${onTarget(e)}?`, MESSAGE),
    alias: toApprovalAlias(e.execId),
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

function common(
  e: Execution,
  tags: readonly string[],
): Omit<OpsgenieAlert, 'message' | 'alias' | 'description' | 'details'> {
  const responders = e.paging?.responders ?? [];
  return {
    priority: choosePriority(e),
    tags: boundTags([...tags, ...(e.paging?.tags ?? [])]),
    entity: clip(e.alert?.resource.id || formatRef(e), ENTITY),
    source: 'ClouDO',
    ...(responders.length > 0 ? { responders: responders.slice(0, 50) } : {}),
  };
}

function baseDetails(e: Execution, links: Links): [string, string][] {
  const exit = e.exitCode === undefined || e.exitCode === null ? '' : String(e.exitCode);
  return [
    ['execId', e.execId],
    ['link', links.execution],
    ['mapping', formatRef(e)],
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
  for (const t of tags.map((s) => takeHead(s.trim(), TAG))) if (t && !out.includes(t) && out.length < TAGS) out.push(t);
  return out;
}

// An over-long alias keeps a hash of the whole, so two long aliases stay different.
function boundAlias(alias: string): string {
  return alias.length <= ALIAS ? alias : `${takeHead(alias, ALIAS - 65)}~${sha256Hex(alias)}`;
}
