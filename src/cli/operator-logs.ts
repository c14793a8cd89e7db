// `cloudo logs`: recent executions as a table, or one execution's fields and output, followed while it runs.
import { apiPath } from '../domain/shared/api-paths';
import { readIntFlag, type Flags } from './cli-args';
import { executionsPage, type ExecutionDetail, type ExecutionSummary } from '../http/api-contract/executions';
import { exitCodeFor, followOutput, isFinal, readExecution, reportEnd } from './follow-run';
import type { Operator } from './operator-session';
import { readAnswer } from './read-answer';

/** What a row of the table shows: an execution's summary has it all. */
type Row = Pick<ExecutionSummary, 'execId' | 'status' | 'trigger' | 'requestedAt'> &
  Partial<Pick<ExecutionSummary, 'durationMs' | 'exitCode'>> & { readonly mapping: MappingRef };
type MappingRef = Pick<ExecutionSummary['mapping'], 'partition_key' | 'id'>;

const COLUMNS: readonly { title: string; cell: (e: Row) => string }[] = [
  { title: 'EXEC ID', cell: (e) => e.execId },
  { title: 'STATUS', cell: (e) => e.status },
  { title: 'MAPPING', cell: (e) => mappingOf(e.mapping) },
  { title: 'TRIGGER', cell: (e) => e.trigger },
  { title: 'REQUESTED', cell: (e) => e.requestedAt.replace(/\.\d+Z$/, 'Z') },
  { title: 'DURATION', cell: (e) => formatDuration(e.durationMs) },
  { title: 'EXIT', cell: (e) => (typeof e.exitCode === 'number' ? String(e.exitCode) : '') },
];

const MAX_EMPTY_PAGES = 10;

export async function showExecutions(op: Operator, flags: Flags): Promise<number> {
  const limit = readIntFlag(flags, 'limit', 1, 200, 20);
  const query = { status: flags.values['status'], mapping: flags.values['mapping'], limit: String(limit) };
  let { body } = await readAnswer(op, { method: 'GET', path: apiPath('logs'), query }, executionsPage);
  // A page may be empty and still have a continuation (storage answered in empty parts): the runs are further on.
  for (let pages = 1; body.items.length === 0 && body.continuation && pages < MAX_EMPTY_PAGES; pages++) {
    const next = { ...query, continuation: body.continuation };
    ({ body } = await readAnswer(op, { method: 'GET', path: apiPath('logs'), query: next }, executionsPage));
  }
  if (op.json) return (op.print(JSON.stringify(body, null, 2)), 0);
  const { items } = body;
  if (items.length === 0)
    return (op.print(body.continuation ? 'no executions found yet; older pages may hold some' : 'no executions'), 0);
  for (const line of formatTable(items)) op.print(line);
  return 0;
}

/** Columns as wide as their widest cell; the last one unpadded. */
export function formatTable(items: readonly Row[]): string[] {
  return alignColumns(
    COLUMNS.map((c) => c.title),
    items.map((e) => COLUMNS.map((c) => c.cell(e))),
  );
}

/** A header and rows, each column as wide as its widest cell, two spaces apart. */
export function alignColumns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export async function showExecution(op: Operator, flags: Flags): Promise<number> {
  const execId = flags.positional[0] ?? '';
  op.watching.execId = execId;
  const e = await readExecution(op, execId);
  if (flags.switches.has('follow') && !isFinal(e.status)) {
    if (!op.json) printFields(op, e);
    return reportEnd(op, await followOutput(op, execId));
  }
  if (op.json) return (op.print(JSON.stringify(e, null, 2)), 0);
  printFields(op, e);
  if (e.output) op.write(e.output.endsWith('\n') ? e.output : `${e.output}\n`);
  // --follow of a run already over: the same exit code as having followed it.
  return flags.switches.has('follow') ? exitCodeFor(e) : 0;
}

function printFields(op: Operator, e: ExecutionDetail): void {
  const fields: [string, string][] = [
    ['execution', e.execId],
    ['status', `${e.status}${e.error ? ` (${e.error})` : ''}`],
    // A queued run in line for a concurrency slot: why it has not started.
    ['waiting', e.waiting?.reason ?? ''],
    ['mapping', mappingOf(e.mapping)],
    ['runbook', e.runbook],
    ['trigger', e.trigger],
    ['requested', `${e.requestedAt}${e.requestedBy ? ` by ${e.requestedBy}` : ''}`],
    ['duration', formatDuration(e.durationMs)],
    ['exit code', typeof e.exitCode === 'number' ? String(e.exitCode) : ''],
    ['params', e.params ? JSON.stringify(e.params) : ''],
  ];
  for (const [name, value] of fields) if (value !== '') op.note(`${`${name}:`.padEnd(11)}${value}`);
  op.note('');
}

function mappingOf(m: MappingRef): string {
  return m.id ? `${m.partition_key}/${m.id}` : '';
}

export function formatDuration(ms: number | null | undefined): string {
  if (typeof ms !== 'number') return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
