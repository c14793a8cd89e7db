// Health check: probes tables and queues in parallel, each within a short bound, and names the parts that fail.
import type { HealthProbes } from './ports';

export type PartStatus = 'ok' | 'unavailable';

export type HealthReport = {
  readonly tables: PartStatus;
  readonly queues: PartStatus;
  /** Why each unavailable part failed, for the log only: the answer names parts, not causes. */
  readonly problems: readonly string[];
};

/** Never throws, and settles within about `boundMs` even when a service accepts connections and never answers. */
export async function checkHealth(probes: HealthProbes, boundMs: number): Promise<HealthReport> {
  const signal = AbortSignal.timeout(boundMs);
  const [tables, queues] = await Promise.all([
    probe('tables', probes.tables, signal),
    probe('queues', probes.queues, signal),
  ]);
  return {
    tables: tables === null ? 'ok' : 'unavailable',
    queues: queues === null ? 'ok' : 'unavailable',
    problems: [tables, queues].filter((p): p is string => p !== null),
  };
}

// The race is the bound: the SDKs honour the signal, but the health check must not depend on it.
async function probe(
  part: string,
  run: (signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
): Promise<string | null> {
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error('no answer in time'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([run(signal), aborted]);
    return null;
  } catch (err) {
    return `${part}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
