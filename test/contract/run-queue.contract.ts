// RunQueue contract: run messages per worker pool, and its poison queue read back decoded and removed one by one.
import { describe, expect, it } from 'vitest';
import { queueNameForPool } from '../../src/domain/runs/run-message';
import type { RunQueue } from '../../src/services/runs/ports';

export function describeRunQueueContract(name: string, make: () => Promise<{ queue: RunQueue; prefix: string }>): void {
  describe(`RunQueue contract: ${name}`, () => {
    it('counts what a pool was sent, and nothing for a pool never used', async () => {
      const { queue } = await make();
      await queue.enqueue('Runbook', { v: 1, execId: 'a' });
      await queue.enqueue('Runbook', { v: 1, execId: 'b' });
      expect(await queue.depth('Runbook')).toBe(2);
      expect(await queue.depth('Nobody')).toBe(0);
    });

    it('reads poisoned messages back as the values sent, and forgets those removed', async () => {
      const { queue, prefix } = await make();
      expect(await queue.takePoisoned('Runbook', 10, 1)).toEqual([]);
      await queue.sendToPoison(queueNameForPool(prefix, 'Runbook'), JSON.stringify({ v: 1, execId: 'x' }));
      await queue.sendToPoison(queueNameForPool(prefix, 'Runbook'), 'not json');
      const taken = await queue.takePoisoned('Runbook', 10, 1);
      expect(taken.map((m) => m.body)).toEqual([{ v: 1, execId: 'x' }, 'not json']);
      await Promise.all(taken.map((m) => m.remove()));
      // Past the time they were hidden for, only messages not removed would come back.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await queue.takePoisoned('Runbook', 10, 1)).toEqual([]);
    });
  });
}
