// Small statistics for the bench: percentiles and the fixed-width figures it prints.
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export const ms = (v: number): string => `${v.toFixed(1)} ms`;

/** "✓" when a figure meets its target, "✗" when it does not: the bench states, it does not assert. */
export const verdict = (ok: boolean): string => (ok ? '✓' : '✗');

/** Runs `total` calls of `fn`, `inFlight` at a time; each call's time in ms and the wall time. */
export async function inParallel<T>(
  total: number,
  inFlight: number,
  fn: (i: number) => Promise<T>,
): Promise<{ results: { ms: number; value: T }[]; wallMs: number }> {
  const results: { ms: number; value: T }[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < total) {
      const i = next++;
      const start = performance.now();
      const value = await fn(i);
      results.push({ ms: performance.now() - start, value });
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return { results, wallMs: performance.now() - t0 };
}
