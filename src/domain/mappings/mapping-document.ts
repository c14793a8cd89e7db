// Mapping files: parse one document, name the file, entry and field of every problem, and check ids are unique.
import type { z } from 'zod';
import { toMapping, type Mapping } from './mapping';
import { mappingDocumentSchema } from './mapping-schema';

export type DocumentResult = { ok: true; mappings: Mapping[] } | { ok: false; errors: string[] };

export type LocatedMapping = { readonly file: string; readonly mapping: Mapping };

export function parseMappingDocument(file: string, text: string): DocumentResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`${file}: not valid JSON (${(err as Error).message})`] };
  }
  const parsed = mappingDocumentSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => describeIssue(file, raw, i)) };
  const mappings = parsed.data.flatMap((p) => p.entity.map((e) => toMapping(p.partition_key, e)));
  return { ok: true, mappings };
}

/** Ids must be unique across every file: a trigger by id alone must find exactly one mapping. */
export function findDuplicateIds(all: readonly LocatedMapping[]): string[] {
  const seen = new Map<string, LocatedMapping>();
  const errors: string[] = [];
  for (const item of all) {
    const first = seen.get(item.mapping.id);
    if (first) {
      errors.push(
        `${item.file}: partition "${item.mapping.partition}", id "${item.mapping.id}": duplicate id, ` +
          `already used in ${first.file} (partition "${first.mapping.partition}")`,
      );
    } else seen.set(item.mapping.id, item);
  }
  return errors;
}

function describeIssue(file: string, raw: unknown, issue: z.core.$ZodIssue): string {
  const path = [...issue.path];
  const where: string[] = [];
  const pIndex = path[0];
  if (typeof pIndex === 'number') {
    where.push(`partition #${pIndex + 1}${quoted(lookup(raw, [pIndex, 'partition_key']))}`);
    path.shift();
    const eIndex = path[1];
    if (path[0] === 'entity' && typeof eIndex === 'number') {
      const id = lookup(raw, [pIndex, 'entity', eIndex, 'id']);
      where.push(`entity #${eIndex + 1}${typeof id === 'string' ? ` (id "${id}")` : ''}`);
      path.splice(0, 2);
    }
  }
  const field = path.length > 0 ? `${path.map(String).join('.')}: ` : '';
  return `${file}: ${where.join(', ') || 'document'}: ${field}${describeMessage(issue)}`;
}

function describeMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

function quoted(v: unknown): string {
  return typeof v === 'string' ? ` ("${v}")` : '';
}

function lookup(raw: unknown, keys: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}
