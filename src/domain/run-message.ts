// Run messages: what a worker queue carries. Only ids: the record holds the rest, and secrets never travel.
import { z } from 'zod';
import { isExecId } from './exec-id';

export const runMessageSchema = z.object({
  v: z.literal(1),
  execId: z.string().refine(isExecId, 'execId is not an execution id'),
});

export type RunMessage = z.infer<typeof runMessageSchema>;

/** Queue names are lower case, 3-63 characters of letters, digits and single dashes. */
export function queueNameForPool(prefix: string, pool: string): string {
  const slug = pool
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${prefix}${slug}`.replace(/-{2,}/g, '-').slice(0, 63);
}
