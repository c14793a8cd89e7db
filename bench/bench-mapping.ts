// Bench mappings: written as a mapping file would be, and read by the same validation `schemas apply` uses.
import type { Mapping } from '../src/domain/mappings/mapping';
import { validateMappingFiles } from '../src/services/mappings/apply-mappings';

/** One mapping of partition `partition`, from the entry as a mapping file would hold it. */
export function benchMapping(partition: string, entry: Readonly<Record<string, unknown>>): Mapping {
  const text = JSON.stringify([{ partition_key: partition, entity: [{ name: entry['id'], ...entry }] }]);
  const [mapping] = validateMappingFiles([{ name: 'bench.json', text }]);
  if (!mapping) throw new Error('the bench mapping did not validate');
  return mapping;
}
