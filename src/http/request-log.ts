// Invocation logging: a Logger that writes through the Functions invocation context.
import type { InvocationContext } from '@azure/functions';
import type { Logger } from '../services/shared/ports';

export function createContextLogger(context: InvocationContext): Logger {
  return {
    info: (m) => context.info(m),
    warn: (m) => context.warn(m),
    error: (m) => context.error(m),
  };
}
