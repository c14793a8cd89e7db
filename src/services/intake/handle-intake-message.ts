// Intake queue: a message becomes a run request; what can never succeed is recorded and consumed, the rest retried.
import { toLoggable } from '../../domain/alerts/alert-decision';
import { AppError, type ErrorCode } from '../../domain/shared/errors';
import { parseIntakeMessage } from '../../domain/intake/intake-request';
import { acceptRequest, type AcceptDeps } from './accept-request';
import type { DeliveredMessage } from '../worker/handle-run-message';
import type { Logger } from '../shared/ports';

export type IntakeOutcome = 'accepted' | 'rejected';

const MAX_REASON = 1000;

// Retrying these gives the same answer: record why and consume the message. Anything else (storage down, a claim
// another request holds) is thrown, so the host retries and, after maxDequeueCount, moves it to the poison queue.
const FINAL: readonly ErrorCode[] = [
  'bad_request',
  'not_found',
  'conflict',
  'forbidden',
  'payload_too_large',
  'gone',
  'unprocessable',
];

export async function handleIntakeMessage(
  deps: AcceptDeps,
  msg: DeliveredMessage,
  log: Logger,
): Promise<IntakeOutcome> {
  const parsed = parseIntakeMessage(msg.body);
  if (!parsed.ok) return reject(deps, msg, parsed.reason, log);
  try {
    const accepted = await acceptRequest(deps, parsed.request, log);
    const what =
      accepted.kind === 'manual'
        ? `${accepted.run.execution.status} ${accepted.run.execution.execId}`
        : `${accepted.report.alerts} alert(s), ${accepted.report.executions.length} execution(s)`;
    log.info(`intake ${msg.messageId}: ${what}`);
    return 'accepted';
  } catch (err) {
    if (err instanceof AppError && FINAL.includes(err.code)) return reject(deps, msg, err.message, log);
    throw err;
  }
}

async function reject(deps: AcceptDeps, msg: DeliveredMessage, reason: string, log: Logger): Promise<IntakeOutcome> {
  log.warn(`intake ${msg.messageId} rejected: ${toLoggable(reason)}`);
  await deps.executions.recordRejectedMessage({
    queue: msg.queueName,
    messageId: msg.messageId,
    // Bounded: a reason can quote sender text (zod names every unknown key), and a table property holds 64 KiB.
    reason: reason.slice(0, MAX_REASON),
    preview: previewOf(msg.body),
    receivedAt: deps.clock.now().toISOString(),
  });
  return 'rejected';
}

function previewOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 512);
  try {
    return (JSON.stringify(withoutParamValues(body)) ?? String(body)).slice(0, 512);
  } catch {
    // A value nesting too deep for JSON.stringify (likely why it was rejected) must still be recorded, not retried.
    return '(not shown: the message nests too deep to print)';
  }
}

// A rejected request's parameters may be secret, and which ones is the mapping's to say: none is kept.
function withoutParamValues(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('params' in body)) return body;
  const params = (body as { params: unknown }).params;
  if (typeof params !== 'object' || params === null) return { ...body, params: '[not shown]' };
  return { ...body, params: Object.fromEntries(Object.keys(params).map((k) => [k, '[not shown]'])) };
}
