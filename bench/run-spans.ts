// Bench telemetry: an in-process tracer that keeps the worker's run spans, and the phases read off their events.
import { trace, type SpanKind } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { STATUS_EVENT } from '../src/adapters/telemetry/instrumented-execution-store';
import { EXITED_EVENT, SPAWNED_EVENT } from '../src/adapters/worker/process-runner';

/** A run as the worker's span tells it, in ms on one clock: received (span start), spawned, exited, recorded. */
export type RunPhases = {
  readonly received: number;
  readonly spawned: number;
  readonly exited: number;
  readonly recorded: number;
};

/** Registers the process's tracer provider (once per process, before the runtime starts): spans of the given kind. */
export function collectSpans(kind: SpanKind): ReadableSpan[] {
  const kept: ReadableSpan[] = [];
  const processor: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span) => void (span.kind === kind && kept.push(span)),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  if (!trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [processor] })))
    throw new Error('a tracer provider is registered already: run this bench in a process of its own');
  return kept;
}

/** Null for a span that lacks a phase (a duplicate delivery, a run that failed to start). */
export function phasesOf(span: ReadableSpan): RunPhases | null {
  const at = (name: string, status?: string) =>
    span.events.find((e) => e.name === name && (status === undefined || e.attributes?.['cloudo.status'] === status))
      ?.time;
  const spawned = at(SPAWNED_EVENT);
  const exited = at(EXITED_EVENT);
  const recorded = at(STATUS_EVENT, 'succeeded');
  if (!spawned || !exited || !recorded) return null;
  const ms = hrTimeToMilliseconds;
  return { received: ms(span.startTime), spawned: ms(spawned), exited: ms(exited), recorded: ms(recorded) };
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
