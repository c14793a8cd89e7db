// Sweeper function: every five minutes, records executions whose worker was lost as `error`, and prunes old alert data.
import type { TimerFunctionOptions } from '@azure/functions';
import { contextLogger } from '../src/http/request-log';
import type { ServicesProvider } from './register';

export const SWEEP_SCHEDULE = '0 */5 * * * *';

export function sweeperFunction(services: ServicesProvider): TimerFunctionOptions {
  return {
    schedule: SWEEP_SCHEDULE,
    runOnStartup: false,
    handler: async (_timer, context) => {
      const log = contextLogger(context);
      const swept = await services().sweepLostExecutions(log);
      if (swept > 0) context.warn(`swept ${swept} lost execution(s)`);
      await services().pruneExpired(log);
    },
  };
}
