// OutputLog contract: a run's output pieces read back after an offset, in order, each once, within a size per read.
import { describe, expect, it } from 'vitest';
import type { OutputChunk, OutputLog } from '../../src/services/runs/ports';

const EXEC = '20261204T010203004Z-0a0b0c0d';
const OTHER = '20261204T010203004Z-0a0b0c0e';
const piece = (start: number, text: string): OutputChunk => ({ start, bytes: Buffer.from(text) });
const texts = (chunks: readonly OutputChunk[]) => chunks.map((c) => `${c.start}:${c.bytes.toString()}`);

export function describeOutputLogContract(name: string, make: () => Promise<OutputLog>): void {
  describe(`OutputLog contract: ${name}`, () => {
    it('reads the pieces that end after an offset, in order, and nothing of another run', async () => {
      const log = await make();
      await log.write(EXEC, [piece(0, 'one\n'), piece(4, 'two\n')]);
      await log.write(EXEC, [piece(8, 'three\n')]);
      await log.write(OTHER, [piece(0, 'other\n')]);
      expect(texts((await log.readAfter(EXEC, 0, 1024)).chunks)).toEqual(['0:one\n', '4:two\n', '8:three\n']);
      // The piece holding the offset comes whole; the reader cuts it.
      expect(texts((await log.readAfter(EXEC, 5, 1024)).chunks)).toEqual(['4:two\n', '8:three\n']);
      expect(await log.readAfter(EXEC, 14, 1024)).toEqual({ chunks: [], more: false });
    });

    it('stops at about maxBytes, saying more follows', async () => {
      const log = await make();
      await log.write(EXEC, [piece(0, 'aaaa'), piece(4, 'bbbb'), piece(8, 'cccc')]);
      const first = await log.readAfter(EXEC, 0, 4);
      expect(texts(first.chunks)).toEqual(['0:aaaa']);
      expect(first.more).toBe(true);
      expect((await log.readAfter(EXEC, 4, 1024)).more).toBe(false);
    });

    it('writes a piece again without harm, and removes pieces by their end', async () => {
      const log = await make();
      await log.write(EXEC, [piece(0, 'head'), piece(4, 'gone'), piece(8, 'tail')]);
      await log.write(EXEC, [piece(8, 'tail')]);
      await log.remove(EXEC, [8, 8]);
      expect(texts((await log.readAfter(EXEC, 0, 1024)).chunks)).toEqual(['0:head', '8:tail']);
    });

    it('keeps binary bytes as they are, up to a full piece', async () => {
      const log = await make();
      const bytes = Buffer.alloc(192 * 1024, 0xfe);
      await log.write(EXEC, [{ start: 0, bytes }]);
      const [back] = (await log.readAfter(EXEC, 0, 1)).chunks;
      expect(back?.bytes.equals(bytes)).toBe(true);
    });
  });
}
