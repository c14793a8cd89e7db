// Live output: a running runbook's output reaches storage while it runs, redacted, in pieces, within the output cap.
import { HEAD_SHARE } from '../../domain/runs/output-bytes';
import { createStreamRedactor } from '../../domain/shared/stream-redactor';
import { MAX_PIECE_BYTES, type OutputChunk, type OutputLog } from '../runs/ports';
import type { Logger } from '../shared/ports';

export type LiveOutputOptions = {
  /** The same cap as the recorded output: its first quarter is kept, then only the last bytes. */
  readonly maxBytes: number;
  readonly secrets: readonly { name: string; value: string }[];
  /** Written at least this often while there is new output… */
  readonly flushMs?: number;
  /** …and as soon as this much is waiting. */
  readonly flushBytes?: number;
};

export type LiveOutput = {
  push(chunk: Buffer): void;
  /** Writes what is left; never throws (the recorded result holds the output in any case). */
  close(): Promise<void>;
};

const FLUSH_MS = 1000;
const FLUSH_BYTES = 64 * 1024;
const CLOSE_ATTEMPTS = 3;

export function createLiveOutput(log: OutputLog, execId: string, opts: LiveOutputOptions, logger: Logger): LiveOutput {
  const redactor = createStreamRedactor(opts.secrets);
  const headCap = Math.floor(opts.maxBytes * HEAD_SHARE);
  const tailCap = opts.maxBytes - headCap;
  const window = createPieceWindow(headCap, tailCap);
  let flushing: Promise<void> | null = null;
  const warn = (err: unknown) => logger.warn(`${execId}: writing live output failed; retrying: ${String(err)}`);
  const flushMs = opts.flushMs ?? FLUSH_MS;
  // After a failed write, the next try waits for the timer: a store that is down is not hammered by every chunk.
  let quietUntil = 0;
  // Every flush started here is caught: a rejection nobody awaits would end the worker's process.
  const flush = (): Promise<void> =>
    (flushing ??= writeOut(log, execId, window).then(
      () => {
        flushing = null;
        if (window.waiting() >= (opts.flushBytes ?? FLUSH_BYTES)) void flush().catch(warn);
      },
      (err: unknown) => {
        flushing = null;
        quietUntil = Date.now() + flushMs;
        throw err;
      },
    ));
  const timer = setInterval(() => window.waiting() > 0 && void flush().catch(warn), flushMs);
  return {
    push(chunk) {
      window.add(redactor.push(chunk));
      if (window.waiting() >= (opts.flushBytes ?? FLUSH_BYTES) && Date.now() >= quietUntil) void flush().catch(warn);
    },
    async close() {
      clearInterval(timer);
      window.add(redactor.end());
      for (let attempt = 1; attempt <= CLOSE_ATTEMPTS; attempt++) {
        try {
          // A flush may start the next one as it ends: wait until none runs, or the tail would be left unwritten.
          while (flushing) await flushing.catch(() => undefined);
          if (window.waiting() === 0) return;
          await flush();
          if (window.waiting() === 0) return;
        } catch (err) {
          warn(err);
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    },
  };
}

async function writeOut(log: OutputLog, execId: string, window: PieceWindow): Promise<void> {
  const pieces = window.take();
  if (pieces.length === 0) return;
  try {
    await log.write(execId, pieces);
  } catch (err) {
    window.giveBack(pieces);
    throw err;
  }
  const stale = window.written(pieces);
  // Best effort: a piece left behind is older than the window, and readers report the gap after it either way.
  if (stale.length > 0) await log.remove(execId, stale).catch(() => undefined);
}

type PieceWindow = ReturnType<typeof createPieceWindow>;

/**
 * The stream's bytes by offset: the head is kept whole; past it, waiting and written pieces together hold at most
 * the last `tailCap` bytes, and what falls out of that window is dropped (waiting) or reported for removal (written).
 */
function createPieceWindow(headCap: number, tailCap: number) {
  let offset = 0;
  let waiting: OutputChunk[] = [];
  let tailWritten: OutputChunk[] = [];
  // Pieces whose write failed keep their row keys (a lost answer may have written them): they are never grown.
  const givenBack = new WeakSet<OutputChunk>();
  // One row per pipe read would be a write and a read per line: a piece grows while it waits, up to a row, on
  // its own side of the head's end.
  const append = (c: OutputChunk) => {
    const last = waiting[waiting.length - 1];
    const contiguous = last !== undefined && last.start + last.bytes.length === c.start && !givenBack.has(last);
    const sameSide = last !== undefined && last.start >= headCap === c.start >= headCap;
    if (contiguous && sameSide && last.bytes.length + c.bytes.length <= MAX_PIECE_BYTES)
      waiting[waiting.length - 1] = { start: last.start, bytes: Buffer.concat([last.bytes, c.bytes]) };
    else waiting.push({ start: c.start, bytes: Buffer.from(c.bytes) });
  };
  const trim = () => {
    const floor = Math.max(headCap, offset - tailCap);
    waiting = waiting.flatMap((c) => {
      const kept = cutBefore(c, c.start >= headCap ? floor : 0);
      if (givenBack.has(c)) kept.forEach((k) => givenBack.add(k));
      return kept;
    });
  };
  return {
    add(bytes: Buffer) {
      if (bytes.length === 0) return;
      // Split at the head's end, so the head is never trimmed.
      const headPart = Math.max(0, Math.min(bytes.length, headCap - offset));
      if (headPart > 0) append({ start: offset, bytes: bytes.subarray(0, headPart) });
      if (headPart < bytes.length) append({ start: offset + headPart, bytes: bytes.subarray(headPart) });
      offset += bytes.length;
      trim();
    },
    waiting: () => waiting.reduce((n, c) => n + c.bytes.length, 0),
    take: () => {
      const out = waiting.flatMap(splitPiece);
      waiting = [];
      return out;
    },
    giveBack(pieces: OutputChunk[]) {
      pieces.forEach((p) => givenBack.add(p));
      waiting = [...pieces, ...waiting];
      trim();
    },
    /** Records pieces as written; returns the ends of written tail pieces now entirely out of the window. */
    written(pieces: readonly OutputChunk[]): number[] {
      tailWritten.push(...pieces.filter((c) => c.start >= headCap));
      const floor = offset - tailCap;
      const stale = tailWritten.filter((c) => c.start + c.bytes.length <= floor);
      tailWritten = tailWritten.filter((c) => c.start + c.bytes.length > floor);
      return stale.map((c) => c.start + c.bytes.length);
    },
  };
}

/** The part of a piece at or after `floor` (nothing if it all lies before). */
function cutBefore(c: OutputChunk, floor: number): OutputChunk[] {
  const end = c.start + c.bytes.length;
  if (end <= floor) return [];
  if (c.start >= floor) return [c];
  return [{ start: floor, bytes: c.bytes.subarray(floor - c.start) }];
}

function splitPiece(c: OutputChunk): OutputChunk[] {
  const out: OutputChunk[] = [];
  for (let at = 0; at < c.bytes.length; at += MAX_PIECE_BYTES)
    out.push({ start: c.start + at, bytes: c.bytes.subarray(at, at + MAX_PIECE_BYTES) });
  return out;
}
