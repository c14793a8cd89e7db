// runAllBounded: order kept, concurrency bounded, and every task settled before a failure is reported.
import { describe, expect, it } from 'vitest';
import { runAllBounded } from '../../../src/services/shared/bounded-all';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('boundedAll', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const tasks = Array.from({ length: 20 }, (_, i) => async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      return i;
    });
    expect(await runAllBounded(tasks, 3)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it('waits for every task before reporting the first failure', async () => {
    const done: number[] = [];
    const tasks = [0, 1, 2, 3].map((i) => async () => {
      await tick();
      if (i === 1) throw new Error('one failed');
      done.push(i);
      return i;
    });
    await expect(runAllBounded(tasks, 2)).rejects.toThrow('one failed');
    expect(done.sort()).toEqual([0, 2, 3]);
  });
});
