// Stored shapes of an execution's structured columns (approval, budget, paging, outbox, AKS), checked when read back.
import { z } from 'zod';
import { storedAksCluster } from '../../domain/worker/aks-target';
import {
  NOTIFICATION_ACTIONS,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  NOTIFICATION_STATES,
  type NotificationAction,
  type NotificationChannel,
  type NotificationKind,
  type NotificationState,
} from '../../domain/oncall/notification';
import { ON_BUSY } from '../../domain/concurrency/concurrency';
import { PRIORITIES, RESPONDER_TYPES } from '../../domain/oncall/paging';

const use = z.object({ execId: z.string(), usedAt: z.string() });

const notification = z.object({
  channel: z.enum(NOTIFICATION_CHANNELS as [NotificationChannel, ...NotificationChannel[]]),
  action: z.enum(NOTIFICATION_ACTIONS as [NotificationAction, ...NotificationAction[]]),
  kind: z.enum(NOTIFICATION_KINDS as [NotificationKind, ...NotificationKind[]]),
  alias: z.string(),
  state: z.enum(NOTIFICATION_STATES as [NotificationState, ...NotificationState[]]),
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
  params: z.object({
    values: z.record(z.string(), z.string()),
    secretNames: z.array(z.string()),
    sealed: z.string().optional(),
  }),
  cancel: z.object({ requestedBy: z.string(), reason: z.string().nullable(), requestedAt: z.string() }),
  concurrency: z.object({
    limit: z.number().int(),
    per: z.enum(['mapping', 'resource']),
    onBusy: z.enum(ON_BUSY),
    key: z.string(),
  }),
  waiting: z.object({ reason: z.string(), since: z.string() }),
  requester: z.object({ id: z.string(), name: z.string(), kind: z.enum(['person', 'system', 'alert', 'schedule']) }),
  /** The `aks` column: the mapping's aksLogin and aksCluster together. */
  aks: z.object({ login: z.boolean(), cluster: storedAksCluster.optional() }),
};
