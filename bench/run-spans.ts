// Bench telemetry: an in-process tracer that keeps the worker's run spans, and the phases read off their events.
import { SpanKind, trace } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { STATUS_EVENT } from '../src/adapters/telemetry/instrumented-execution-store';
import { EXITED_EVENT, SPAWNED_EVENT } from '../src/adapters/worker/process-runner';

/**
 * A run as the worker's span tells it, in ms on one clock: received (span start), spawned, exited, recorded; and how
 * long storage calls took (the Azure SDK's spans in its trace, overlaps counted once) before the spawn and after the
 * exit.
 */
export type RunPhases = {
  readonly received: number;
  readonly spawned: number;
  readonly exited: number;
  readonly recorded: number;
  readonly storageBeforeSpawn: number;
  readonly storageAfterExit: number;
};

export type CollectedSpans = { readonly runs: ReadableSpan[]; readonly storageByTrace: Map<string, ReadableSpan[]> };

/** Registers the process's tracer provider (once per process, before the runtime starts) and keeps the spans. */
export function collectSpans(): CollectedSpans {
  const kept: CollectedSpans = { runs: [], storageByTrace: new Map() };
  const processor: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span) => {
      if (span.kind === SpanKind.CONSUMER) kept.runs.push(span);
      if (span.kind !== SpanKind.CLIENT) return;
      const traceId = span.spanContext().traceId;
      kept.storageByTrace.set(traceId, [...(kept.storageByTrace.get(traceId) ?? []), span]);
    },
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  if (!trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [processor] })))
    throw new Error('a tracer provider is registered already: run this bench in a process of its own');
  return kept;
}

/** Null for a span that lacks a phase (a duplicate delivery, a run that failed to start). */
export function phasesOf(span: ReadableSpan, storage: readonly ReadableSpan[]): RunPhases | null {
  // The runbook's own events are the last pair (an AKS login's steps come before).
  const at = (name: string, status?: string) =>
    span.events.findLast((e) => e.name === name && (status === undefined || e.attributes?.['cloudo.status'] === status))
      ?.time;
  const spawned = at(SPAWNED_EVENT);
  const exited = at(EXITED_EVENT);
  const recorded = at(STATUS_EVENT, 'succeeded');
  if (!spawned || !exited || !recorded) return null;
  const ms = hrTimeToMilliseconds;
  const calls = storage.map((c) => [ms(c.startTime), ms(c.endTime)] as const);
  const [received, spawnedAt, exitedAt, recordedAt] = [ms(span.startTime), ms(spawned), ms(exited), ms(recorded)];
  return {
    received,
    spawned: spawnedAt,
    exited: exitedAt,
    recorded: recordedAt,
    storageBeforeSpawn: coveredMs(calls, received, spawnedAt),
    storageAfterExit: coveredMs(calls, exitedAt, recordedAt),
  };
}

/** How much of [from, to] the intervals cover, overlaps (an operation and its HTTP request) counted once. */
function coveredMs(intervals: readonly (readonly [number, number])[], from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = from;
  for (const [a, b] of clipped) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Completions per second between the 10th and the 90th percentile of completion times: the pipeline full. */
export function steadyRate(completedAt: readonly number[]): number {
  const sorted = [...completedAt].sort((a, b) => a - b);
  const from = Math.floor(sorted.length * 0.1);
  const to = Math.ceil(sorted.length * 0.9) - 1;
  const ms = (sorted[to] ?? 0) - (sorted[from] ?? 0);
  return ms > 0 ? ((to - from) / ms) * 1000 : NaN;
}
