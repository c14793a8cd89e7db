// `cloudo audit`: the audit trail, newest first: when, who, what, on which run or mapping, and how it ended.
import { apiPath } from '../domain/shared/api-paths';
import { auditPage } from '../http/api-contract/audit';
import type { Flags } from './cli-args';
import { alignColumns } from './operator-logs';
import type { Operator } from './operator-session';
import { readAnswer } from './read-answer';
import { oneLine } from './terminal-text';

const FILTERS = ['since', 'until', 'actor', 'action', 'mapping', 'limit'] as const;

export async function showAudit(op: Operator, flags: Flags): Promise<number> {
  const query = Object.fromEntries(FILTERS.map((f) => [f, flags.values[f]]));
  const { body } = await readAnswer(op, { method: 'GET', path: apiPath('audit'), query }, auditPage);
  if (op.json) return (op.print(JSON.stringify(body, null, 2)), 0);
  const { items } = body;
  if (items.length === 0) return (op.print('no audit records'), 0);
  const rows = items.map((r) => [
    r.at.replace(/\.\d+Z$/, 'Z'),
    `${oneLine(r.actor.name)} (${r.actor.kind})`,
    r.action,
    [r.mapping, r.execId].filter(Boolean).join(' '),
    oneLine(r.outcome),
  ]);
  for (const line of alignColumns(['TIME', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME'], rows)) op.print(line);
  if (body.links.next) op.note('more records: narrow with --since/--until, or raise --limit (at most 200)');
  return 0;
}
