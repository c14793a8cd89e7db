// The health and approvals contract: what GET /api/health and a JSON approve or reject answer.
import { z } from 'zod';
import { executionStatus, link, nullableText } from './common';

const partOk = z.enum(['ok', 'unavailable']);

export const healthAnswer = z
  .object({ status: partOk, storage: partOk, tables: partOk, queues: partOk })
  .meta({ id: 'Health' });

export const approvalPathParams = z.object({ execId: z.string(), action: z.enum(['approve', 'reject']) });

// The link's own parameters; their meaning is the signature check's to judge.
export const APPROVAL_QUERY = { exp: z.string().optional(), sig: z.string().optional() };

/** A JSON POST names who decides without sign-in (a form posts the same `name` field). */
export const nameBody = z
  .object({ name: z.string().optional() })
  .meta({ id: 'ApprovalDecision', description: 'Without sign-in: who decides (recorded as typed, proves nothing).' });

export const decidedAnswer = z
  .object({ execId: z.string(), status: executionStatus, decidedBy: nullableText, links: z.object({ self: link }) })
  .meta({ id: 'ApprovalDecided' });
