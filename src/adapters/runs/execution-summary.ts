// Execution summaries: the columns a listing reads, what an index row copies of its record, and reading them back.
import { alertSummarySchema, summarizeAlert } from '../../domain/alerts/alert-summary';
import { listedOf, type ListedExecution } from '../../domain/runs/execution';
import { ALERT_COLUMNS, fromEntity } from './execution-entity';

// The alert's summary (a few bounded scalars, a few KiB at worst): index rows carry it instead of the whole alert.
const ALERT_SUMMARY = 'alertSummary';

/**
 * What an index row copies of its record: what a listing shows or filters on. Not the output, the mapping's
 * environment nor the whole alert (up to 120,000 characters): a run's transaction writes up to 7 index rows, and
 * copies of those would take it past the 4 MiB a transaction may carry (see execution-writes).
 */
export const SUMMARY_COLUMNS = [
  'execId',
  'status',
  'partition',
  'mappingId',
  'mappingName',
  'runbook',
  'runArgs',
  'worker',
  'oncall',
  'timeoutSeconds',
  'trigger',
  'requestedAt',
  'startedAt',
  'finishedAt',
  'durationMs',
  'exitCode',
  'signal',
  'outputBytes',
  'outputTruncated',
  'error',
  'idempotencyKey',
  'requestedBy',
  'approval',
  'budget',
  'paging',
  'notifications',
  'requeues',
  'requeuedAt',
  'leaseUntil',
  'params',
  'cancel',
  'scheduledFor',
  'concurrency',
  'waiting',
  'requester',
  'runbookSha256',
  'appVersion',
];

/**
 * What a listing reads: the summary, and the alert as each row has it. Index rows have its summary; records (the
 * unfiltered listing), and index rows written before summaries, have the whole alert, summarized when read.
 */
export const LISTING_COLUMNS = [...SUMMARY_COLUMNS, ALERT_SUMMARY, ...ALERT_COLUMNS];

/** The columns an index row of `e` carries, out of its record entity (toEntity's). */
export function summaryOf(e: Pick<ListedExecution, 'alert'>, record: Record<string, unknown>): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  for (const column of SUMMARY_COLUMNS) if (record[column] !== undefined) summary[column] = record[column];
  if (e.alert) summary[ALERT_SUMMARY] = JSON.stringify(summarizeAlert(e.alert));
  return summary;
}

/** A row a listing read (a record or an index row) as a listed execution. */
export function fromSummaryEntity(entity: Record<string, unknown>): ListedExecution {
  const listed = listedOf(fromEntity(entity));
  const stored = entity[ALERT_SUMMARY];
  return typeof stored === 'string' ? { ...listed, alert: alertSummarySchema.parse(JSON.parse(stored)) } : listed;
}
