// Run requests: what /api/Trigger and the intake queue accept, and a queue message read as one of them.
import { z } from 'zod';
import { detectPayloadKind } from '../alerts/alert-payload';
import { idempotencyKeySchema, type RequestKey } from '../runs/idempotency-key';
import { findTooDeep } from '../shared/json-depth';
import { mappingKeySchema, partitionKeySchema } from '../mappings/mapping-schema';

export type IntakeRequest =
  | {
      readonly kind: 'manual';
      readonly id: string;
      readonly partition?: string;
      readonly requestedBy?: string;
      /** Requests with the same key (and mapping) run once: the first one's execution answers the others. */
      readonly idempotencyKey?: RequestKey;
      /** Checked against the mapping's declared parameters when the run is requested. */
      readonly params?: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'alert'; readonly body: unknown; readonly partition?: string };

export type IntakeParse =
  { readonly ok: true; readonly request: IntakeRequest } | { readonly ok: false; readonly reason: string };

const manualMessage = z.strictObject({
  id: mappingKeySchema,
  partition: partitionKeySchema.optional(),
  requestId: idempotencyKeySchema.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

const EXPECTED =
  'expected {"id": "<mapping id>", "partition": "<optional>", "requestId": "<optional>", "params": {<optional>}}, an Azure Monitor common-schema alert or an Alertmanager webhook';

/** A queue message's body as decoded from the wire: text here was neither JSON nor base64 of JSON. */
export function parseIntakeMessage(value: unknown): IntakeParse {
  if (typeof value === 'string') return { ok: false, reason: `not JSON (nor base64 of JSON): ${EXPECTED}` };
  const deep = findTooDeep(value);
  if (deep) return { ok: false, reason: `${deep.field ?? 'message'}: ${deep.message}` };
  if (detectPayloadKind(value) !== 'unknown') return { ok: true, request: { kind: 'alert', body: value } };
  const manual = manualMessage.safeParse(value);
  if (manual.success) {
    const { id, partition, requestId, params } = manual.data;
    const key = requestId === undefined ? {} : { idempotencyKey: { key: requestId, field: 'requestId' } };
    const given = params === undefined ? {} : { params };
    return { ok: true, request: { kind: 'manual', id, ...(partition ? { partition } : {}), ...key, ...given } };
  }
  const issue = manual.error.issues[0];
  const looksManual = typeof value === 'object' && value !== null && 'id' in value;
  return {
    ok: false,
    reason: looksManual
      ? `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`
      : `not a run request: ${EXPECTED}`,
  };
}
