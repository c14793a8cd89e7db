// Run messages: what a worker queue carries. Only ids: the record holds the rest, and secrets never travel.
import { z } from 'zod';
import { isExecId } from './exec-id';

export const runMessageSchema = z.object({
  v: z.literal(1),
  execId: z.string().refine(isExecId, 'execId is not an execution id'),
  /**
   * W3C trace context of whoever queued the run, so the run continues its trace; an id like the rest. One that is
   * not a trace context is dropped, not the run: a trace is worth less than the run it describes.
   */
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional()
    .catch(undefined),
});

export type RunMessage = z.infer<typeof runMessageSchema>;

/**
 * The one place a pool becomes a queue name: lower case, letters, digits and single dashes. Settings bound the
 * prefix (2-24) and pool names (1-32 with a letter or digit), so the result and its "-poison" twin are valid names.
 */
export function queueNameForPool(prefix: string, pool: string): string {
  const slug = pool
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${prefix}${slug}`.replace(/-{2,}/g, '-');
}
