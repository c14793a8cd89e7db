// JSON Schema of mapping files, generated from the zod model so editors and ClouDO never disagree.
import { z } from 'zod';
import { mappingDocumentSchema } from './mapping-schema';

export function buildMappingJsonSchema(): Record<string, unknown> {
  // "input" describes what authors write (strings or booleans, durations), not ClouDO's normalized form.
  const schema = z.toJSONSchema(mappingDocumentSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://cloudo.dev/schemas/mapping.schema.json',
    title: 'ClouDO mappings',
  };
}
