// Redaction of a byte stream: secret values never leave it, even one split across two chunks.

export type StreamRedactor = {
  /** The bytes that are safe to pass on; an end that may be the start of a secret is held back for the next chunk. */
  push(chunk: Buffer): Buffer;
  /** Whatever is still held back, redacted. */
  end(): Buffer;
};

type Secret = { readonly value: Buffer; readonly mark: Buffer };

/** Each value is replaced by `[redacted NAME]`, as redact() does for whole text; longer values win at a position. */
export function createStreamRedactor(secrets: readonly { name: string; value: string }[]): StreamRedactor {
  const list: Secret[] = secrets
    .filter((s) => s.value.length > 0)
    .map((s) => ({ value: Buffer.from(s.value, 'utf8'), mark: Buffer.from(`[redacted ${s.name}]`, 'utf8') }))
    .sort((a, b) => b.value.length - a.value.length);
  const values = list.map((s) => s.value);
  let held = Buffer.alloc(0);
  return {
    push(chunk) {
      if (list.length === 0) return chunk;
      const data = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      const { out, safeEnd } = redactUpTo(data, list, data.length - secretStartAtEnd(data, values));
      held = Buffer.from(data.subarray(safeEnd));
      return out;
    },
    end() {
      const { out } = redactUpTo(held, list, held.length);
      held = Buffer.alloc(0);
      return out;
    },
  };
}

/**
 * How many bytes at the end of `data` could begin one of `values` (a start shorter than it): what a stream holds back
 * for the next chunk, and what a cut output drops, since it has no next chunk to tell.
 */
export function secretStartAtEnd(data: Buffer, values: readonly Buffer[]): number {
  const longest = Math.max(0, ...values.map((v) => v.length - 1));
  for (let k = Math.min(longest, data.length); k > 0; k--) {
    const end = data.subarray(data.length - k);
    if (values.some((v) => v.length > k && v.subarray(0, k).equals(end))) return k;
  }
  return 0;
}

/** How many bytes at the start of `data` could end one of `values` (an end shorter than it): what a cut output drops. */
export function secretEndAtStart(data: Buffer, values: readonly Buffer[]): number {
  const longest = Math.max(0, ...values.map((v) => v.length - 1));
  for (let k = Math.min(longest, data.length); k > 0; k--) {
    const start = data.subarray(0, k);
    if (values.some((v) => v.length > k && v.subarray(v.length - k).equals(start))) return k;
  }
  return 0;
}

/** Redacts matches that start before `cut`; bytes from `safeEnd` on (after the last such match, or at cut) are left. */
function redactUpTo(data: Buffer, list: readonly Secret[], cut: number): { out: Buffer; safeEnd: number } {
  const parts: Buffer[] = [];
  let from = 0;
  for (;;) {
    const next = findFirst(data, list, from);
    if (next === null || next.at >= cut) break;
    parts.push(data.subarray(from, next.at), next.secret.mark);
    from = next.at + next.secret.value.length;
  }
  const safeEnd = Math.max(from, cut);
  parts.push(data.subarray(from, safeEnd));
  return { out: Buffer.concat(parts), safeEnd };
}

function findFirst(data: Buffer, list: readonly Secret[], from: number): { at: number; secret: Secret } | null {
  let best: { at: number; secret: Secret } | null = null;
  for (const secret of list) {
    const at = data.indexOf(secret.value, from);
    // Longest first: at the same position, the first found is the longer one.
    if (at >= 0 && (best === null || at < best.at)) best = { at, secret };
  }
  return best;
}
