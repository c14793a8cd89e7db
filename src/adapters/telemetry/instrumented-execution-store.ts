// The execution store, observed: every run recorded and every status change passes here, whoever makes it (trigger,
// worker, cancel, approvals, Sweeper), so runs are counted once each without a line in every use case.
import { trace } from '@opentelemetry/api';
import { formatRef } from '../../domain/oncall/page-text';
import type { Execution } from '../../domain/runs/execution';
import type { ExecutionStore } from '../../services/runs/ports';
import type { RunMetrics } from './run-metrics';

/** A span event on the writer's span each time a run's status changes, once the write is done. */
export const STATUS_EVENT = 'cloudo.run.status';

export function instrumentExecutionStore(store: ExecutionStore, metrics: RunMetrics): ExecutionStore {
  return {
    ...store,
    async create(execution) {
      const created = await store.create(execution);
      metrics.requested(created.value);
      describeRun(created.value);
      return created;
    },
    async replaceIf(next, previous) {
      const replaced = await store.replaceIf(next, previous);
      if (replaced) {
        metrics.transitioned(previous.value, replaced.value);
        describeRun(replaced.value);
        // When each status was written, e.g. how long after its process exited a run's result was recorded.
        if (replaced.value.status !== previous.value.status)
          trace.getActiveSpan()?.addEvent(STATUS_EVENT, { 'cloudo.status': replaced.value.status });
      }
      return replaced;
    },
  };
}

// The span of whatever wrote it (the worker's run, the trigger's request) carries the run's identity and outcome.
function describeRun(e: Execution): void {
  trace.getActiveSpan()?.setAttributes({
    'cloudo.exec_id': e.execId,
    'cloudo.mapping': formatRef(e),
    'cloudo.trigger': e.trigger,
    'cloudo.status': e.status,
    ...(e.exitCode === undefined || e.exitCode === null ? {} : { 'cloudo.exit_code': e.exitCode }),
    ...(e.durationMs === undefined ? {} : { 'cloudo.duration_ms': e.durationMs }),
  });
}
