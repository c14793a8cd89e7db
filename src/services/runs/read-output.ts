// Reading a run's output while it runs: what came after an offset, and whether there will be more.
import {
  formatTruncationMarker,
  completeUtf8PrefixLength,
  leadingContinuationBytes,
} from '../../domain/runs/output-bytes';
import { FINAL_STATUSES, type ExecutionStatus } from '../../domain/runs/execution-status';
import type { ExecutionStore, OutputChunk, OutputLog } from './ports';
import { getExecution } from './query-executions';

export type OutputReadDeps = { readonly executions: ExecutionStore; readonly output: OutputLog };

export type OutputSlice = {
  readonly execId: string;
  readonly status: ExecutionStatus;
  /** Once the run is over: how its process exited. */
  readonly exitCode: number | null;
  /** Where `text` starts: the offset asked for, or later when bytes there were cut from a long output. */
  readonly offset: number;
  /** Bytes between the offset asked for and `offset`, dropped by the output cap. */
  readonly omittedBytes: number;
  readonly text: string;
  /** Ask from here next time. */
  readonly nextOffset: number;
  /** The run is over and everything it wrote was delivered: stop following. */
  readonly done: boolean;
};

/** About this much per answer; a follower asks again at once while there is more. */
export const SLICE_BYTES = 256 * 1024;

export async function readOutputAfter(deps: OutputReadDeps, execId: string, offset: number): Promise<OutputSlice> {
  // The status first: the worker writes all output before the final status, so "over" here means none is missing.
  const e = await getExecution(deps.executions, execId);
  const over = FINAL_STATUSES.includes(e.status);
  const { chunks, more } = await deps.output.readAfter(execId, offset, SLICE_BYTES);
  const base = { execId, status: e.status, exitCode: e.exitCode ?? null };
  if (chunks.length === 0) {
    // Runs recorded before live output, or whose pieces retention removed: the record's copy, from the start.
    const recorded = offset === 0 && over && e.output ? Buffer.from(e.output, 'utf8') : Buffer.alloc(0);
    const text = recorded.toString('utf8');
    return { ...base, offset, omittedBytes: 0, text, nextOffset: offset + recorded.length, done: over };
  }
  const run = contiguous(chunks, offset);
  const complete = !more && run.end === lastEnd(chunks);
  // A character split at the end waits for its other bytes, unless nothing more will come.
  const keep = over && complete ? run.bytes.length : completeUtf8PrefixLength(run.bytes);
  const skip = leadingContinuationBytes(run.bytes);
  const text = run.bytes.subarray(Math.min(skip, keep), keep).toString('utf8');
  const nextOffset = run.start + keep;
  return {
    ...base,
    offset: run.start + Math.min(skip, keep),
    omittedBytes: run.start - offset,
    text,
    nextOffset,
    done: over && complete && nextOffset === run.end,
  };
}

/** The bytes from `offset` (or from the first piece after a gap) up to the next gap. */
function contiguous(chunks: readonly OutputChunk[], offset: number): { start: number; end: number; bytes: Buffer } {
  const first = chunks[0] as OutputChunk;
  const start = Math.max(offset, first.start);
  const parts: Buffer[] = [first.bytes.subarray(start - first.start)];
  let end = first.start + first.bytes.length;
  for (const c of chunks.slice(1)) {
    if (c.start !== end) break;
    parts.push(c.bytes);
    end += c.bytes.length;
  }
  return { start, end, bytes: Buffer.concat(parts) };
}

const lastEnd = (chunks: readonly OutputChunk[]): number => {
  const last = chunks[chunks.length - 1] as OutputChunk;
  return last.start + last.bytes.length;
};

/** All the output so far, with a marker where the cap cut it: what `?format=text` shows of a running run. */
export async function readOutputSoFar(deps: OutputReadDeps, execId: string): Promise<string> {
  let text = '';
  let offset = 0;
  for (let i = 0; i < MAX_SLICES; i++) {
    const slice = await readOutputAfter(deps, execId, offset);
    text += (slice.omittedBytes > 0 ? formatTruncationMarker(slice.omittedBytes) : '') + slice.text;
    if (slice.done || slice.nextOffset === offset) return text;
    offset = slice.nextOffset;
  }
  return text;
}

// The output cap keeps a run's pieces to a few MB at most: this bounds the loop, not the answer.
const MAX_SLICES = 64;
