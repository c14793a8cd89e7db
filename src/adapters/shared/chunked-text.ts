// Chunked text in Table entities: a string property holds 64 KiB of UTF-16, so long text spans several properties.

// 30,000 code units stay under 64 KiB whatever the characters.
export const CHUNK_CHARS = 30_000;

/** Sets `<prefix>Chunks` and `<prefix>0..n` on the entity; nothing when text is undefined. */
export function writeChunks(entity: Record<string, unknown>, prefix: string, text: string | undefined): void {
  if (text === undefined) return;
  const chunks = splitChunks(text);
  entity[`${prefix}Chunks`] = chunks.length;
  chunks.forEach((c, i) => (entity[`${prefix}${i}`] = c));
}

/** The text written by writeChunks, or undefined when the entity has none. */
export function readChunks(entity: Record<string, unknown>, prefix: string): string | undefined {
  const count = entity[`${prefix}Chunks`];
  if (typeof count !== 'number') return undefined;
  let text = '';
  for (let i = 0; i < count; i++) text += String(entity[`${prefix}${i}`] ?? '');
  return text;
}

export function chunkColumns(prefix: string, count: number): string[] {
  return [`${prefix}Chunks`, ...Array.from({ length: count }, (_, i) => `${prefix}${i}`)];
}

function splitChunks(text: string): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + CHUNK_CHARS, text.length);
    // Never leave half of a surrogate pair at the end of a chunk.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(text.slice(i, end));
    i = end;
  }
  return chunks;
}
