// Accepting a queued run request: an intake message is a manual request or an alert body, and goes where it belongs.
import type { IntakeRequest } from '../../domain/intake/intake-request';
import { ingestAlerts, type IngestDeps, type IngestReport } from '../alerts/ingest-alerts';
import type { Logger } from '../shared/ports';
import { requestRun, type AcceptedRun, type RequestRunDeps } from '../runs/request-run';

export type AcceptDeps = Omit<RequestRunDeps, 'log'> & Omit<IngestDeps, 'log'>;

export type Accepted =
  { readonly kind: 'manual'; readonly run: AcceptedRun } | { readonly kind: 'alert'; readonly report: IngestReport };

/** Throws AppError: 4xx codes for requests that can never succeed, storage_unavailable/busy for ones to retry. */
export async function acceptRequest(deps: AcceptDeps, req: IntakeRequest, log: Logger): Promise<Accepted> {
  if (req.kind === 'manual') {
    const run = await requestRun(
      { ...deps, log },
      {
        id: req.id,
        trigger: 'manual',
        ...(req.partition ? { partition: req.partition } : {}),
        ...(req.requestedBy ? { requestedBy: req.requestedBy } : {}),
        // Whoever may write to the queue asked; the name in the message is their word, kept beside it.
        requester: {
          kind: 'system',
          id: 'intake',
          name: req.requestedBy ? `intake queue (for ${req.requestedBy})` : 'intake queue',
        },
        ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
        ...(req.params ? { params: req.params } : {}),
      },
    );
    return { kind: 'manual', run };
  }
  return { kind: 'alert', report: await ingestAlerts({ ...deps, log }, req.body, req.partition) };
}
