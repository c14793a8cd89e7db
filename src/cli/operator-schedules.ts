// `cloudo schedules`: each scheduled mapping, its expression and zone, when it runs next and how its last run went.
import { apiPath } from '../domain/shared/api-paths';
import { schedulesAnswer } from '../http/api-contract/console-reads';
import { alignColumns } from './operator-logs';
import type { Operator } from './operator-session';
import { readAnswer } from './read-answer';

export async function showSchedules(op: Operator): Promise<number> {
  const { body } = await readAnswer(op, { method: 'GET', path: apiPath('schedules') }, schedulesAnswer);
  if (op.json) return (op.print(JSON.stringify(body, null, 2)), 0);
  const { items } = body;
  if (items.length === 0) return (op.print('no scheduled mappings'), 0);
  const rows = items.map((s) => [
    `${s.mapping.partition_key}/${s.mapping.id}`,
    s.schedule.cron,
    s.schedule.timezone,
    s.enabled ? (s.next[0] ?? '').replace(/\.\d+Z$/, 'Z') : 'disabled',
    s.lastRun ? `${s.lastRun.status} ${s.lastRun.execId}` : '',
  ]);
  for (const line of alignColumns(['MAPPING', 'SCHEDULE', 'ZONE', 'NEXT', 'LAST RUN'], rows)) op.print(line);
  return 0;
}
