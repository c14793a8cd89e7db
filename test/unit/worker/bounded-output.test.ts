// Unit tests for the head/tail output collector: truncation, UTF-8 safety and bounded memory.
import { describe, it, expect } from 'vitest';
import { createBoundedOutput } from '../../../src/adapters/worker/bounded-output';
import { formatTruncationMarker } from '../../../src/domain/runs/output-bytes';

const MARKER_PATTERN = /\n…\[ClouDO: (\d+) bytes of output omitted\]…\n/;

function collect(maxBytes: number, chunks: readonly Buffer[]) {
  const output = createBoundedOutput(maxBytes);
  for (const chunk of chunks) output.push(chunk);
  return output.result();
}

/** Splits a buffer into chunks of the given size, so multi-byte characters straddle chunk boundaries. */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

describe('createBoundedOutput', () => {
  it('returns everything untouched below the cap', () => {
    const result = collect(100, [Buffer.from('hello '), Buffer.from('world')]);
    expect(result).toEqual({ text: 'hello world', totalBytes: 11, truncated: false });
  });

  it('returns an empty result when nothing is pushed', () => {
    expect(collect(100, [])).toEqual({ text: '', totalBytes: 0, truncated: false });
  });

  it('is not truncated at exactly the cap', () => {
    const text = 'x'.repeat(100);
    expect(collect(100, chunked(Buffer.from(text), 7))).toEqual({ text, totalBytes: 100, truncated: false });
  });

  it('keeps the first 25% and the last 75% with a marker in between', () => {
    const input = Buffer.from(Array.from({ length: 1000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
    const result = collect(100, chunked(input, 13));
    const expected = input.subarray(0, 25).toString() + formatTruncationMarker(900) + input.subarray(925).toString();
    const edges = { head: input.subarray(0, 25).toString(), tail: input.subarray(925).toString(), omittedBytes: 900 };
    expect(result).toEqual({ text: expected, totalBytes: 1000, truncated: true, edges });
  });

  it('handles a single chunk larger than the cap', () => {
    const input = Buffer.from('H'.repeat(30) + 'M'.repeat(10_000) + 'T'.repeat(70));
    const result = collect(100, [input]);
    expect(result.text).toBe('H'.repeat(25) + formatTruncationMarker(10_000) + 'M'.repeat(5) + 'T'.repeat(70));
  });

  it.each([1, 2, 3, 5, 64])('decodes characters split across %i-byte chunks when nothing is dropped', (size) => {
    const text = 'é😀aé€😀'.repeat(5);
    const bytes = Buffer.from(text);
    expect(collect(bytes.length, chunked(bytes, size)).text).toBe(text);
  });

  it.each([1, 2, 3, 7])('never splits a character at the head or tail cut points (%i-byte chunks)', (size) => {
    for (let cap = 8; cap <= 40; cap++) {
      const bytes = Buffer.from('😀é'.repeat(30));
      const result = collect(cap, chunked(bytes, size));
      expect(result.truncated).toBe(true);
      expect(result.text).not.toContain('\ufffd');
      const match = MARKER_PATTERN.exec(result.text);
      expect(match).not.toBeNull();
      const [head = '', tail = ''] = result.text.split(match?.[0] ?? '');
      const omitted = Number(match?.[1]);
      expect(Buffer.byteLength(head) + omitted + Buffer.byteLength(tail)).toBe(bytes.length);
      expect(Buffer.byteLength(head)).toBeLessThanOrEqual(Math.floor(cap / 4));
      expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(cap - Math.floor(cap / 4));
      expect(bytes.toString().startsWith(head)).toBe(true);
      expect(bytes.toString().endsWith(tail)).toBe(true);
    }
  });

  it('drops the incomplete lead character of the head and orphan continuation bytes of the tail', () => {
    // cap 12 → head 3 bytes: "a" + first 2 bytes of "😀"; tail 9 bytes starts 1 byte into an "é".
    const bytes = Buffer.from('a😀' + 'z'.repeat(20) + 'é' + '12345678');
    const result = collect(12, [bytes]);
    expect(result.text).toBe('a' + formatTruncationMarker(bytes.length - 1 - 8) + '12345678');
  });

  it('stays bounded and correct when far more than the cap is pushed', () => {
    const output = createBoundedOutput(1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    output.push(Buffer.from('START'));
    for (let i = 0; i < 2_000; i++) output.push(chunk);
    output.push(Buffer.from('END'));
    const result = output.result();
    expect(result.totalBytes).toBe(5 + 2_000 * 64 * 1024 + 3);
    expect(result.truncated).toBe(true);
    expect(result.text.startsWith('START')).toBe(true);
    expect(result.text.endsWith('xxEND')).toBe(true);
    const marker = formatTruncationMarker(result.totalBytes - 1024);
    expect(result.text).toContain(marker);
    expect(result.text.length).toBeLessThanOrEqual(1024 + marker.length);
    expect(Buffer.byteLength(result.text)).toBeLessThanOrEqual(1024 + Buffer.byteLength(marker));
  });

  it('does not keep a reference to pushed buffers (copies what it keeps)', () => {
    const output = createBoundedOutput(8);
    const chunk = Buffer.from('abcdefghij');
    output.push(chunk);
    chunk.fill('z');
    expect(output.result().text).toBe('ab' + formatTruncationMarker(2) + 'efghij');
  });

  it('works with a cap of zero', () => {
    expect(collect(0, [Buffer.from('abc')])).toEqual({
      text: formatTruncationMarker(3),
      totalBytes: 3,
      truncated: true,
      edges: { head: '', tail: '', omittedBytes: 3 },
    });
  });

  it('rejects an invalid cap', () => {
    expect(() => createBoundedOutput(-1)).toThrow(RangeError);
    expect(() => createBoundedOutput(1.5)).toThrow(RangeError);
    expect(() => createBoundedOutput(Number.NaN)).toThrow(RangeError);
  });
});
