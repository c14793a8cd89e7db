// Runbook output as bytes: the share of the cap kept from the start, the marker for what was dropped, UTF-8 edges.
import { redact } from '../shared/redact';
import { secretEndAtStart, secretStartAtEnd } from '../shared/stream-redactor';

/** Of the output cap, the share kept from the start; the rest keeps the end, where errors usually are. */
export const HEAD_SHARE = 0.25;

export function formatTruncationMarker(omittedBytes: number): string {
  return `\n…[ClouDO: ${omittedBytes} bytes of output omitted]…\n`;
}

/** Length of the longest prefix that does not end in the middle of a UTF-8 sequence. */
export function completeUtf8PrefixLength(bytes: Buffer): number {
  const end = bytes.length;
  for (let back = 1; back <= Math.min(4, end); back++) {
    const byte = bytes[end - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? end - back : end;
  }
  return end;
}

/** Continuation bytes at the start belong to a character whose lead byte was dropped. */
export function leadingContinuationBytes(bytes: Buffer): number {
  let skip = 0;
  while (skip < Math.min(3, bytes.length) && ((bytes[skip] ?? 0) & 0xc0) === 0x80) skip++;
  return skip;
}

/**
 * Text cut back to about `maxBytes` (head and tail kept, a marker between): redaction can make a capped output
 * longer again (`[redacted NAME]` for a short secret), and a record holds at most 1 MiB.
 */
export function recapText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes + 256) return text;
  const headCap = Math.floor(maxBytes * HEAD_SHARE);
  const head = bytes.subarray(0, completeUtf8PrefixLength(bytes.subarray(0, headCap)));
  const tailStart = bytes.length - (maxBytes - headCap);
  const tail = bytes.subarray(tailStart + leadingContinuationBytes(bytes.subarray(tailStart)));
  return (
    head.toString('utf8') + formatTruncationMarker(bytes.length - head.length - tail.length) + tail.toString('utf8')
  );
}

/** Output the cap cut: the head and tail it kept, apart, and the bytes dropped between them. */
export type OutputEdges = { readonly head: string; readonly tail: string; readonly omittedBytes: number };

type Secret = { readonly name: string; readonly value: string };

/**
 * A cut output, redacted. A secret the cut went through is left in part on one side, which redaction cannot tell
 * from other text: the cut is widened past any end of the head (start of the tail) that could begin (end) a secret,
 * so a few bytes more are omitted and no part of one is kept.
 */
export function redactCutOutput(edges: OutputEdges, secrets: readonly Secret[]): string {
  const values = secretBytes(secrets);
  // Both edges are whole characters, and so is a secret's first (last) byte: these cuts fall between characters.
  const head = keptBeforeCut(edges.head, values, secrets);
  const tail = keptAfterCut(edges.tail, values, secrets);
  return head.text + formatTruncationMarker(edges.omittedBytes + head.dropped + tail.dropped) + tail.text;
}

/**
 * The end of a text whose start was cut off (`cut`), redacted. As with a cut output, a start that could end a secret
 * is dropped too; the text then starts with "…".
 */
export function redactCutTail(tail: { text: string; cut: boolean }, secrets: readonly Secret[]): string {
  if (!tail.cut) return redact(tail.text, secrets);
  return `…${keptAfterCut(tail.text, secretBytes(secrets), secrets).text}`;
}

/** What is kept of a text cut at its end, redacted, and how many bytes more the cut dropped. */
function keptBeforeCut(text: string, values: readonly Buffer[], secrets: readonly Secret[]) {
  const bytes = Buffer.from(text, 'utf8');
  const dropped = endToDrop(bytes, values);
  return { text: redact(bytes.subarray(0, bytes.length - dropped).toString('utf8'), secrets), dropped };
}

/** What is kept of a text cut at its start, redacted, and how many bytes more the cut dropped. */
function keptAfterCut(text: string, values: readonly Buffer[], secrets: readonly Secret[]) {
  const bytes = Buffer.from(text, 'utf8');
  const dropped = startToDrop(bytes, values);
  return { text: redact(bytes.subarray(dropped).toString('utf8'), secrets), dropped };
}

const secretBytes = (secrets: readonly Secret[]) =>
  secrets.filter((s) => s.value !== '').map((s) => Buffer.from(s.value, 'utf8'));

// A whole secret that overlaps the bytes dropped as a possible edge of one goes with them: dropping only the overlap
// would leave the rest of it, which redaction no longer recognises (a secret that ends as it begins, say).

/** How many bytes at the start of `data` to drop: a start that could end a secret, and any secret it runs into. */
function startToDrop(data: Buffer, values: readonly Buffer[]): number {
  let drop = secretEndAtStart(data, values);
  for (let grown = drop > 0; grown;) {
    grown = false;
    for (const v of values)
      for (let at = data.indexOf(v); at >= 0 && at < drop; at = data.indexOf(v, at + 1))
        if (at + v.length > drop) [drop, grown] = [at + v.length, true];
  }
  return drop;
}

/** How many bytes at the end of `data` to drop: an end that could begin a secret, and any secret it runs into. */
function endToDrop(data: Buffer, values: readonly Buffer[]): number {
  let drop = secretStartAtEnd(data, values);
  for (let grown = drop > 0; grown;) {
    grown = false;
    for (const v of values)
      for (let at = data.lastIndexOf(v); at >= 0 && at + v.length > data.length - drop; at = before(data, v, at))
        if (at < data.length - drop) [drop, grown] = [data.length - at, true];
  }
  return drop;
}

// lastIndexOf counts a negative offset from the end: from 0 there is nothing before.
const before = (data: Buffer, v: Buffer, at: number) => (at > 0 ? data.lastIndexOf(v, at - 1) : -1);
