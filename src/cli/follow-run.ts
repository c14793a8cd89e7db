// Following a run from a terminal: its output as it comes, or a progress line until it ends; the outcome's exit code.
import { apiPath } from '../domain/shared/api-paths';
import { FINAL_STATUSES } from '../domain/runs/execution-status';
import { executionDetail, outputSlice, type ExecutionDetail } from '../http/api-contract/executions';
import type { Operator } from './operator-session';
import { readAnswer } from './read-answer';

const POLL_MS = 1000;

export const isFinal = (status: string): boolean => (FINAL_STATUSES as readonly string[]).includes(status);

/**
 * The shell's view of a run: succeeded 0; failed, the runbook's own exit code (1 when it has none a shell could
 * pass on); timed_out 124 as timeout(1); cancelled 130 as a Ctrl-C; anything else that did not run 3.
 */
export function exitCodeFor(e: { readonly status: string; readonly exitCode?: number | null }): number {
  switch (e.status) {
    case 'succeeded':
      return 0;
    case 'failed':
      return e.exitCode !== null && e.exitCode !== undefined && e.exitCode >= 1 && e.exitCode <= 125 ? e.exitCode : 1;
    case 'timed_out':
      return 124;
    case 'cancelled':
      return 130;
    default:
      return 3;
  }
}

export async function readExecution(op: Operator, execId: string): Promise<ExecutionDetail> {
  const path = apiPath(`logs/${encodeURIComponent(execId)}`);
  return (await readAnswer(op, { method: 'GET', path }, executionDetail)).body;
}

/** Prints the output as it is written until the run ends; the run as it ended. */
export async function followOutput(op: Operator, execId: string): Promise<ExecutionDetail> {
  const path = apiPath(`logs/${encodeURIComponent(execId)}/output`);
  let offset = 0;
  for (;;) {
    const call = { method: 'GET', path, query: { offset: String(offset) } } as const;
    const { body: slice } = await readAnswer(op, call, outputSlice);
    if (slice.omittedBytes > 0) op.note(`…[${slice.omittedBytes} bytes of output omitted]…`);
    if (slice.text !== '') op.write(slice.text);
    offset = slice.nextOffset;
    if (slice.done) return readExecution(op, execId);
    if (slice.text === '') await pause(op.signal);
  }
}

/** Polls until the run ends, with a progress line on a terminal; the run as it ended. */
export async function waitForEnd(op: Operator, execId: string): Promise<ExecutionDetail> {
  const started = Date.now();
  for (;;) {
    const e = await readExecution(op, execId);
    if (isFinal(e.status)) {
      op.progress(null);
      return e;
    }
    op.progress(`waiting: ${execId} ${e.status} ${Math.round((Date.now() - started) / 1000)}s`);
    await pause(op.signal);
  }
}

function pause(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, POLL_MS);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });
}

/** The run's end on stderr (the whole record with --json, on stdout); its exit code. */
export function reportEnd(op: Operator, e: ExecutionDetail): number {
  if (op.json) op.print(JSON.stringify(e, null, 2));
  else
    op.note(
      `${e.execId} ${e.status}${e.exitCode !== null ? ` exit ${e.exitCode}` : ''}${e.error ? `: ${e.error}` : ''}`,
    );
  return exitCodeFor(e);
}
