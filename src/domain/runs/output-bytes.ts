// Runbook output as bytes: the share of the cap kept from the start, the marker for what was dropped, UTF-8 edges.

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
