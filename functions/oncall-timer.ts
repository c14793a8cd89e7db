// Notifier function: every minute, expires approvals nobody decided and retries notifications still owed.
import type { TimerFunctionOptions } from '@azure/functions';
import { createContextLogger } from '../src/http/request-log';
import type { Provide } from '../src/composition/service-groups';

export const NOTIFIER_SCHEDULE = '0 * * * * *';

export function defineNotifierFunction(services: Provide<'notifier'>): TimerFunctionOptions {
  return {
    schedule: NOTIFIER_SCHEDULE,
    runOnStartup: false,
    handler: async (_timer, context) => {
      const { expired, retried } = await services().run(createContextLogger(context));
      if (expired + retried > 0) context.log(`expired ${expired} approval(s); retried notifications of ${retried}`);
    },
  };
}
