// Stored shapes of an execution's structured columns (approval, budget, paging, outbox), checked when read back.
import { z } from 'zod';
import { NOTIFICATION_STATES } from '../domain/notification';
import { PRIORITIES, RESPONDER_TYPES } from '../domain/paging';

const use = z.object({ execId: z.string(), usedAt: z.string() });

const notification = z.object({
  channel: z.enum(['opsgenie', 'chat']),
  action: z.enum(['create', 'close']),
  kind: z.enum(['failure', 'throttled', 'expired', 'approval', 'recovered', 'decided']),
  alias: z.string(),
  state: z.enum(NOTIFICATION_STATES as [(typeof NOTIFICATION_STATES)[number], ...typeof NOTIFICATION_STATES]),
  attempts: z.number().int(),
  createdAt: z.string(),
  lastAttemptAt: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  sentAt: z.string().optional(),
  requestId: z.string().optional(),
  lastError: z.string().optional(),
});

export const storedStructured = {
  approval: z.object({
    expiresAt: z.string(),
    because: z.enum(['mapping', 'budget']),
    fourEyes: z.boolean(),
    decidedBy: z.string().optional(),
    decidedAt: z.string().optional(),
  }),
  budget: z.object({
    count: z.number().int(),
    windowSeconds: z.number().int(),
    per: z.enum(['mapping', 'resource']),
    recent: z.array(use),
  }),
  paging: z.object({
    priority: z.enum(PRIORITIES).optional(),
    tags: z.array(z.string()),
    responders: z.array(z.object({ type: z.enum(RESPONDER_TYPES), name: z.string() })),
  }),
  notifications: z.array(notification),
};
