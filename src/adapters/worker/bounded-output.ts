// Capped output collector: keeps the head and tail of a byte stream in O(maxBytes) memory, UTF-8 safe.
import {
  completeUtf8PrefixLength,
  formatTruncationMarker,
  HEAD_SHARE,
  leadingContinuationBytes,
  type OutputEdges,
} from '../../domain/runs/output-bytes';

/** `edges` when truncated: the head and tail of `text` apart. */
export type BoundedOutputResult = { text: string; totalBytes: number; truncated: boolean; edges?: OutputEdges };

export type BoundedOutput = {
  push(chunk: Buffer): void;
  result(): BoundedOutputResult;
};

/** Throws RangeError when maxBytes is not a non-negative safe integer. */
export function createBoundedOutput(maxBytes: number): BoundedOutput {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  }
  const headCap = Math.floor(maxBytes * HEAD_SHARE);
  const head = Buffer.alloc(headCap);
  const tail = createTailRing(maxBytes - headCap);
  let headLen = 0;
  let totalBytes = 0;

  return {
    push(chunk: Buffer): void {
      totalBytes += chunk.length;
      const toHead = Math.min(headCap - headLen, chunk.length);
      if (toHead > 0) {
        chunk.copy(head, headLen, 0, toHead);
        headLen += toHead;
      }
      if (toHead < chunk.length) tail.push(chunk.subarray(toHead));
    },
    result(): BoundedOutputResult {
      const tailBytes = tail.contents();
      if (totalBytes <= maxBytes) {
        // Nothing dropped: decode as one buffer so a character split across chunks survives.
        return {
          text: Buffer.concat([head.subarray(0, headLen), tailBytes]).toString('utf8'),
          totalBytes,
          truncated: false,
        };
      }
      const keptHead = head.subarray(0, completeUtf8PrefixLength(head.subarray(0, headLen)));
      const keptTail = tailBytes.subarray(leadingContinuationBytes(tailBytes));
      const edges = {
        head: keptHead.toString('utf8'),
        tail: keptTail.toString('utf8'),
        omittedBytes: totalBytes - keptHead.length - keptTail.length,
      };
      const text = edges.head + formatTruncationMarker(edges.omittedBytes) + edges.tail;
      return { text, totalBytes, truncated: true, edges };
    },
  };
}

type TailRing = { push(bytes: Buffer): void; contents(): Buffer };

/** Keeps the last `capacity` bytes; storage grows on demand up to capacity, then wraps around. */
function createTailRing(capacity: number): TailRing {
  let buf = Buffer.alloc(0);
  let start = 0;
  let length = 0;

  const contents = (): Buffer => {
    const end = start + length;
    if (end <= buf.length) return buf.subarray(start, end);
    return Buffer.concat([buf.subarray(start), buf.subarray(0, end - buf.length)]);
  };

  const ensureCapacity = (needed: number): void => {
    if (buf.length >= needed || buf.length === capacity) return;
    const grown = Buffer.alloc(Math.min(capacity, Math.max(needed, buf.length * 2, 4096)));
    contents().copy(grown, 0);
    buf = grown;
    start = 0;
  };

  const push = (bytes: Buffer): void => {
    if (bytes.length >= capacity) {
      // Copy rather than keep a view: a view would pin the caller's whole (possibly huge) buffer.
      buf = Buffer.from(bytes.subarray(bytes.length - capacity));
      start = 0;
      length = capacity;
      return;
    }
    ensureCapacity(length + bytes.length);
    const writeAt = (start + length) % buf.length;
    const firstPart = Math.min(bytes.length, buf.length - writeAt);
    bytes.copy(buf, writeAt, 0, firstPart);
    bytes.copy(buf, 0, firstPart);
    const overflow = Math.max(0, length + bytes.length - buf.length);
    start = (start + overflow) % buf.length;
    length = Math.min(buf.length, length + bytes.length);
  };

  return { push, contents };
}
