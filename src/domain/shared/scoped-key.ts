// Scoped keys: what budgets and concurrency slots are counted under, per mapping or per mapping and target resource.
import { sha256Hex } from './hash';

/** The mapping, plus a hash of the target resource (case-insensitive, as ARM ids are) when counted per resource. */
export function scopedKey(
  partition: string,
  mappingId: string,
  per: 'mapping' | 'resource',
  resourceId: string | null,
): string {
  const base = `${partition}|${mappingId}`;
  return per === 'resource' ? `${base}|${sha256Hex((resourceId ?? '').toLowerCase())}` : base;
}
