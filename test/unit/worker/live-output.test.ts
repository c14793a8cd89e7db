// Streaming redaction and the live output window, against the in-memory output log (held to the adapter's contract).
import { describe, expect, it } from 'vitest';
import { createStreamRedactor } from '../../../src/domain/shared/stream-redactor';
import { createLiveOutput } from '../../../src/services/worker/live-output';
import type { OutputChunk } from '../../../src/services/runs/ports';
import { createFakeOutputLog } from '../../support/fakes/output-log';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('stream redactor', () => {
  const secrets = [{ name: 'TOKEN', value: 'sup3r-s3cret' }];

  it('redacts a secret split across chunks, and passes ordinary output on at once', () => {
    const r = createStreamRedactor(secrets);
    expect(r.push(Buffer.from('line one\n')).toString()).toBe('line one\n');
    const parts = [r.push(Buffer.from('token=sup3r')), r.push(Buffer.from('-s3cr')), r.push(Buffer.from('et done\n'))];
    expect(Buffer.concat([...parts, r.end()]).toString()).toBe('token=[redacted TOKEN] done\n');
  });

  it('redacts every secret in every chunk split, byte by byte included', () => {
    const text = 'a sup3r-s3cret b sup3r-s3cretsup3r-s3cret c sup3r-s3cre';
    for (const size of [1, 2, 3, 7, 13]) {
      const r = createStreamRedactor(secrets);
      const out: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) out.push(r.push(Buffer.from(text.slice(i, i + size))));
      out.push(r.end());
      expect(Buffer.concat(out).toString()).toBe('a [redacted TOKEN] b [redacted TOKEN][redacted TOKEN] c sup3r-s3cre');
    }
  });
});

describe('live output', () => {
  it('writes everything of a short output, in order', async () => {
    const log = createFakeOutputLog();
    const live = createLiveOutput(log, 'e', { maxBytes: 1024, secrets: [] }, silent);
    live.push(Buffer.from('one\n'));
    live.push(Buffer.from('two\n'));
    await live.close();
    const stored = log.pieces('e');
    expect(Buffer.concat(stored.map((c) => c.bytes)).toString()).toBe('one\ntwo\n');
  });

  it('keeps the head and the newest bytes within the cap, however much is written', async () => {
    const log = createFakeOutputLog();
    const cap = 64 * 1024;
    const live = createLiveOutput(log, 'e', { maxBytes: cap, secrets: [], flushBytes: 8 * 1024 }, silent);
    live.push(Buffer.from('HEAD\n'));
    for (let i = 0; i < 2000; i++) live.push(Buffer.alloc(4096, 'x'));
    live.push(Buffer.from('\nTAIL\n'));
    await live.close();
    const stored = log.pieces('e');
    const kept = stored.reduce((n, c) => n + c.bytes.length, 0);
    expect(kept).toBeLessThanOrEqual(cap + 8 * 1024);
    expect(stored[0]?.bytes.subarray(0, 5).toString()).toBe('HEAD\n');
    const last = stored[stored.length - 1] as OutputChunk;
    expect(last.start + last.bytes.length).toBe(5 + 2000 * 4096 + 6);
    expect(last.bytes.subarray(-6).toString()).toBe('\nTAIL\n');
  });

  it('redacts before anything is written', async () => {
    const log = createFakeOutputLog();
    const live = createLiveOutput(log, 'e', { maxBytes: 1024, secrets: [{ name: 'P', value: 'pw-123456' }] }, silent);
    live.push(Buffer.from('pass pw-12'));
    live.push(Buffer.from('3456 ok'));
    await live.close();
    const text = Buffer.concat(log.pieces('e').map((c) => c.bytes)).toString();
    expect(text).toBe('pass [redacted P] ok');
  });

  it('survives a store that refuses every write: it warns, stays within the cap, and never throws', async () => {
    const warnings: string[] = [];
    const down = {
      ...createFakeOutputLog(),
      write: () => Promise.reject(new Error('storage down')),
    };
    const logger = { ...silent, warn: (m: string) => void warnings.push(m) };
    const live = createLiveOutput(down, 'e', { maxBytes: 32 * 1024, secrets: [], flushBytes: 1024 }, logger);
    for (let i = 0; i < 200; i++) live.push(Buffer.alloc(4096, 'y'));
    await live.close();
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/storage down/);
  });

  it('grows a waiting piece rather than writing a row per line, and writes the tail before close returns', async () => {
    const log = createFakeOutputLog();
    const slow = {
      ...log,
      write: async (id: string, c: readonly OutputChunk[]) => {
        await new Promise((r) => setTimeout(r, 30));
        return log.write(id, c);
      },
    };
    const live = createLiveOutput(slow, 'e', { maxBytes: 1024 * 1024, secrets: [], flushBytes: 64 * 1024 }, silent);
    for (let i = 0; i < 5000; i++) live.push(Buffer.from(`line ${i}\n`));
    for (let i = 0; i < 3; i++) live.push(Buffer.alloc(70 * 1024, 'z'));
    await live.close();
    const pieces = log.pieces('e');
    expect(pieces.length).toBeLessThan(20);
    const total = pieces.reduce((n, c) => n + c.bytes.length, 0);
    const expected = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join('').length + 3 * 70 * 1024;
    expect(total).toBe(expected);
  });
});
