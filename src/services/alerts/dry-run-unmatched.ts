// Dry run of an unmatched alert: its kept delivery against today's mappings, answered as Trigger's dry run answers it.
import { notFound } from '../../domain/shared/errors';
import type { PreviewDeps } from '../runs/preview-run';
import type { AlertRecordStore } from './ports';
import { previewAlerts, type PayloadPreview } from './preview-alerts';

export type UnmatchedDryRunDeps = PreviewDeps & { readonly alerts: Pick<AlertRecordStore, 'getUnmatched'> };

/** 404 naming `key` when the record is gone (pruned) or its delivery was not kept. */
export async function dryRunUnmatched(deps: UnmatchedDryRunDeps, key: string): Promise<PayloadPreview> {
  const found = await deps.alerts.getUnmatched(key);
  if (!found)
    throw notFound(`No unmatched alert "${key}": it was never recorded, or is past retention.`, { field: 'key' });
  if (found.payload === null) {
    throw notFound(
      `Unmatched alert "${key}" has no kept delivery (recorded before deliveries were kept, or too large).`,
      {
        field: 'key',
      },
    );
  }
  // Restricted to the partition its delivery named, as the Trigger call was.
  return previewAlerts(deps, JSON.parse(found.payload) as unknown, found.alert.partition ?? undefined);
}
