// Run parameters as a mapping declares them: name, type and constraints, checked when the mapping file is loaded.
import { RE2JS } from 're2js';
import { z } from 'zod';

export const PARAM_TYPES = ['string', 'integer', 'boolean', 'enum'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** Names become CLOUDO_PARAM_<NAME> in the runbook's environment. */
export const PARAM_NAME = /^[A-Z][A-Z0-9_]{0,47}$/;
export const MAX_PARAMS = 32;
export const MAX_PARAM_CHARS = 4096;
// The alert variables a parameter may be filled from (see domain/alerts/alert-env).
const ALERT_ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;

export type ParamSpec = {
  readonly type: ParamType;
  /** enum: the values allowed. */
  readonly values?: readonly string[] | undefined;
  /** string: an RE2 pattern the whole value must match (linear time: a sender cannot stall the trigger). */
  readonly pattern?: string | undefined;
  /** integer: inclusive bounds. */
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly required: boolean;
  readonly default?: string | number | boolean | undefined;
  /** Never stored, logged or shown; passed to the runbook only, and redacted from its output. */
  readonly secret: boolean;
  readonly description?: string | undefined;
  /** Alert-triggered runs: the alert variable (e.g. RESOURCE_NAME) that fills this parameter. */
  readonly from?: string | undefined;
};

/** Compiles a pattern, or says why it does not compile. */
export function compilePattern(pattern: string): { ok: true; re: RE2JS } | { ok: false; message: string } {
  try {
    return { ok: true, re: RE2JS.compile(pattern) };
  } catch (err) {
    return { ok: false, message: `not an RE2 pattern: ${(err as Error).message}` };
  }
}

const paramSpecSchema = z
  .strictObject({
    type: z.enum(PARAM_TYPES),
    values: z.array(z.string().min(1).max(256)).min(1).max(100).optional(),
    pattern: z
      .string()
      .min(1)
      .max(1000)
      .superRefine((p, ctx) => {
        const compiled = compilePattern(p);
        if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.message });
      })
      .optional(),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    required: z.boolean().default(false),
    default: z.union([z.string().max(MAX_PARAM_CHARS), z.number().int(), z.boolean()]).optional(),
    secret: z.boolean().default(false),
    description: z.string().max(1000).optional(),
    from: z.string().regex(ALERT_ENV_NAME, 'an alert variable name, e.g. RESOURCE_NAME').optional(),
  })
  .superRefine((s, ctx) => {
    const misplaced = (key: keyof typeof s, onlyFor: ParamType) => {
      if (s[key] !== undefined && s.type !== onlyFor)
        ctx.addIssue({ code: 'custom', path: [key], message: `only for type "${onlyFor}"` });
    };
    misplaced('values', 'enum');
    misplaced('pattern', 'string');
    misplaced('min', 'integer');
    misplaced('max', 'integer');
    if (s.type === 'enum' && s.values === undefined)
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'an enum lists its values' });
    if (s.min !== undefined && s.max !== undefined && s.min > s.max)
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'must not be greater than max' });
    // A default lives in the mapping file, which is in git: a secret there is no secret.
    if (s.secret && s.default !== undefined)
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'a secret parameter has no default' });
    if (s.default !== undefined) {
      const checked = checkParamValue(s, s.default);
      if (!checked.ok) ctx.addIssue({ code: 'custom', path: ['default'], message: checked.message });
    }
  });

export const paramsSchema = z
  .record(z.string(), paramSpecSchema)
  .superRefine((p, ctx) => {
    // Checked here rather than on the record's key type, so the message names the parameter.
    for (const name of Object.keys(p).filter((n) => !PARAM_NAME.test(n)))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'a parameter name: A-Z, 0-9 and _, starting with a letter',
      });
    if (Object.keys(p).length > MAX_PARAMS)
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_PARAMS} parameters` });
  })
  .describe('Run parameters: given on manual runs as {"params": {...}}, passed as CLOUDO_PARAM_<NAME>.');

type SpecLike = Pick<ParamSpec, 'type' | 'values' | 'pattern' | 'min' | 'max'>;

/**
 * A value as the runbook receives it (booleans "true"/"false", integers in decimal), or why it is not one. Strings
 * such as "42" and "true" are accepted for integer and boolean parameters: a command line has no other types.
 */
export function checkParamValue(
  s: SpecLike,
  value: unknown,
): { ok: true; text: string } | { ok: false; message: string } {
  switch (s.type) {
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, text: String(value) };
      if (value === 'true' || value === 'false') return { ok: true, text: value };
      return { ok: false, message: 'expected a boolean (true or false)' };
    case 'integer':
      return checkInteger(s, value);
    case 'enum':
      if (typeof value === 'string' && (s.values ?? []).includes(value)) return { ok: true, text: value };
      return { ok: false, message: `expected one of ${(s.values ?? []).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'string':
      return checkString(s, value);
  }
}

function checkInteger(s: SpecLike, value: unknown): { ok: true; text: string } | { ok: false; message: string } {
  const n = typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) return { ok: false, message: 'expected an integer' };
  if (s.min !== undefined && n < s.min) return { ok: false, message: `must be at least ${s.min}` };
  if (s.max !== undefined && n > s.max) return { ok: false, message: `must be at most ${s.max}` };
  return { ok: true, text: String(n) };
}

function checkString(s: SpecLike, value: unknown): { ok: true; text: string } | { ok: false; message: string } {
  if (typeof value !== 'string') return { ok: false, message: 'expected a string' };
  if (value.length > MAX_PARAM_CHARS) return { ok: false, message: `at most ${MAX_PARAM_CHARS} characters` };
  if (value.includes('\u0000')) return { ok: false, message: 'may not contain NUL' };
  if (s.pattern !== undefined) {
    const compiled = compilePattern(s.pattern);
    if (!compiled.ok || !compiled.re.matches(value))
      return { ok: false, message: `must match the pattern ${s.pattern}` };
  }
  return { ok: true, text: value };
}
