// In-memory OutputLog, held to the same contract as the Table adapter (test/contract/output-log.contract.ts).
import type { OutputChunk, OutputLog } from '../../../src/services/runs/ports';

export type FakeOutputLog = OutputLog & { readonly writes: number; pieces(execId: string): OutputChunk[] };

export function createFakeOutputLog(): FakeOutputLog {
  const runs = new Map<string, Map<number, OutputChunk>>();
  let writes = 0;
  const of = (execId: string) => runs.get(execId) ?? runs.set(execId, new Map()).get(execId)!;
  const sorted = (execId: string) => [...of(execId).values()].sort((a, b) => a.start - b.start);
  return {
    get writes() {
      return writes;
    },
    pieces: sorted,
    write: async (execId, chunks) => {
      writes++;
      for (const c of chunks) of(execId).set(c.start + c.bytes.length, { start: c.start, bytes: Buffer.from(c.bytes) });
    },
    remove: async (execId, ends) => void ends.forEach((end) => of(execId).delete(end)),
    readAfter: async (execId, offset, maxBytes) => {
      const after = sorted(execId).filter((c) => c.start + c.bytes.length > offset);
      const chunks: OutputChunk[] = [];
      let bytes = 0;
      for (const c of after) {
        if (bytes >= maxBytes) return { chunks, more: true };
        chunks.push(c);
        bytes += c.bytes.length;
      }
      return { chunks, more: false };
    },
  };
}
