// Scheduler function: on CLOUDO_SCHEDULER_SCHEDULE (every 5 s), records the runs of scheduled mappings that are due.
import type { TimerFunctionOptions } from '@azure/functions';
import type { Provide } from '../src/composition/service-groups';
import { createContextLogger } from '../src/http/request-log';

/** `schedule` is the validated setting itself, as for the Sweeper (ADR 0004). */
export function defineSchedulerFunction(services: Provide<'scheduler'>, schedule: string): TimerFunctionOptions {
  return {
    schedule,
    runOnStartup: false,
    handler: async (_timer, context) => {
      const report = await services().tick(createContextLogger(context));
      if (report.started > 0) context.log(`scheduled: ${report.started} run(s) of ${report.scheduled} schedule(s)`);
      // A failed mapping is logged by the tick; failing the invocation makes it count in the host's own telemetry.
      if (report.failed > 0) throw new Error(`scheduler: ${report.failed} schedule(s) failed; the next tick retries`);
    },
  };
}
