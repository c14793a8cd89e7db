// Paging options: how a mapping's Opsgenie alerts are shaped (priority, tags, responders), as authored and as kept.
import { z } from 'zod';

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const RESPONDER_TYPES = ['team', 'user', 'escalation', 'schedule'] as const;
export type Responder = { readonly type: (typeof RESPONDER_TYPES)[number]; readonly name: string };

export type PagingOptions = {
  /** Overrides the priority derived from the alert's severity. */
  readonly priority?: Priority | undefined;
  readonly tags: readonly string[];
  readonly responders: readonly Responder[];
};

// Opsgenie's limits: 20 tags of 50 characters, 50 responders.
const tag = z.string().trim().min(1).max(50);
const responder = z.union([
  z
    .string()
    .trim()
    .min(1)
    .max(100)
    .transform((name): Responder => ({ type: 'team', name })),
  z.strictObject({ type: z.enum(RESPONDER_TYPES), name: z.string().trim().min(1).max(100) }),
]);

/** The mapping's `opsgenie` block; a bare string responder is a team name. */
export const pagingSchema = z
  .strictObject({
    priority: z.enum(PRIORITIES).optional(),
    tags: z.array(tag).max(20).default([]),
    responders: z.array(responder).max(50).default([]),
  })
  .describe('How Opsgenie alerts for this mapping look: priority override, tags, responders (team names or objects).');

export const NO_PAGING: PagingOptions = { tags: [], responders: [] };

/** How a partition names its own Opsgenie key setting: OPSGENIE_API_KEY_<suffix>, upper-cased, `-` and `.` as `_`. */
export const toPartitionKeySuffix = (partition: string): string => partition.toUpperCase().replace(/[-.]/g, '_');
