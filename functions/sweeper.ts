// Sweeper function: on CLOUDO_SWEEP_SCHEDULE (every minute), ends lost runs, re-sends stranded ones, prunes old data.
import type { TimerFunctionOptions } from '@azure/functions';
import { createContextLogger } from '../src/http/request-log';
import type { Provide } from '../src/composition/service-groups';

/**
 * `schedule` is the validated setting itself. The host would resolve `%CLOUDO_SWEEP_SCHEDULE%` from app settings
 * too, but refuses to index the function when the setting is absent; the value with its default serves both hosts.
 */
export function defineSweeperFunction(services: Provide<'sweeper'>, schedule: string): TimerFunctionOptions {
  return {
    schedule,
    runOnStartup: false,
    handler: async (_timer, context) => {
      const report = await services().sweep(createContextLogger(context));
      const { lost, stranded, poisoned, pruned, failed } = report;
      if (lost + stranded + poisoned + pruned > 0)
        context.log(`swept: ${lost} lost, ${stranded} stranded, ${poisoned} poisoned, ${pruned} pruned`);
      // A failed step is logged by the step; failing the invocation makes it count in the host's own telemetry.
      if (failed > 0) throw new Error(`sweep: ${failed} step(s) failed; the next round retries them`);
    },
  };
}
