// Label matchers in Alertmanager syntax (name=value, name!=value, name=~re, name!~re), parsed and evaluated.
import { RE2JS } from 're2js';
import { z } from 'zod';

export type LabelMatchOp = '=' | '!=' | '=~' | '!~';

/** A parsed matcher; `text` keeps what the author wrote so it can be stored and shown as authored. */
export type LabelMatcher = {
  readonly text: string;
  readonly name: string;
  readonly op: LabelMatchOp;
  readonly value: string;
};

export type LabelMatcherParse = { ok: true; matcher: LabelMatcher } | { ok: false; message: string };

// Names are looser than Prometheus's: Azure log dimensions and annotations may hold dots, dashes or slashes.
const shape = /^\s*([^\s=!~"]+)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

export function parseLabelMatcher(text: string): LabelMatcherParse {
  const fail = (why: string): LabelMatcherParse => ({ ok: false, message: `label matcher "${text}": ${why}` });
  const m = shape.exec(text);
  const [, name, op, raw] = m ?? [];
  if (name === undefined || op === undefined || raw === undefined)
    return fail('expected name=value, name!=value, name=~regex or name!~regex');
  const value = unquote(raw);
  if (value === null) return fail('a value that starts with " must be one closed double-quoted string');
  const matcher: LabelMatcher = { text, name, op: op as LabelMatchOp, value };
  if (matcher.op === '=~' || matcher.op === '!~') {
    // Alone first: `a)(b` only compiles once wrapped, and would then mean something else than written.
    const alone = compileRegExp(value);
    const compiled = alone.ok ? compileRegExp(anchored(value)) : alone;
    if (!compiled.ok) return fail(`invalid regular expression (${compiled.message})`);
  }
  return { ok: true, matcher };
}

/** A list of matchers as authors write them; each problem names its matcher. */
export const labelMatchersSchema = z
  .array(
    z
      .string()
      .max(1024, 'at most 1024 characters')
      .transform((text, ctx) => {
        const parsed = parseLabelMatcher(text);
        if (parsed.ok) return parsed.matcher;
        ctx.issues.push({ code: 'custom', message: parsed.message, input: text });
        return z.NEVER;
      }),
  )
  .min(1, 'must not be empty')
  .max(64, 'at most 64 matchers');
/** Every matcher must hold. A missing label counts as "", as in Alertmanager: `team!="ops"` holds without a team. */
export function matchesLabels(matchers: readonly LabelMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => matchesLabel(m, labels));
}

export function matchesLabel(m: LabelMatcher, labels: Readonly<Record<string, string>>): boolean {
  // Own properties only: a label called "constructor" must not find Object.prototype's.
  const actual = Object.hasOwn(labels, m.name) ? (labels[m.name] ?? '') : '';
  switch (m.op) {
    case '=':
      return actual === m.value;
    case '!=':
      return actual !== m.value;
    case '=~':
      return testRegExp(anchored(m.value), actual);
    case '!~':
      return !testRegExp(anchored(m.value), actual);
  }
}

// RE2, as Alertmanager uses: matching time is linear in the input, so a sender's label value cannot stall a worker
// however a mapping's pattern is written (JavaScript's backtracking RegExp can take seconds on 600 characters).
const compiled = new Map<string, RE2JS>();

/** Compiles once per pattern; mappings are few and long-lived, so the cache stays small. */
export function compileRegExp(source: string): { ok: true; re: RE2JS } | { ok: false; message: string } {
  const cached = compiled.get(source);
  if (cached) return { ok: true, re: cached };
  try {
    const re = RE2JS.compile(source);
    compiled.set(source, re);
    return { ok: true, re };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** Patterns are validated when mappings load; one that still fails to compile matches nothing. */
export function testRegExp(source: string, text: string): boolean {
  const c = compileRegExp(source);
  return c.ok && c.re.matcher(text).find();
}

// Alertmanager anchors label regexes at both ends.
function anchored(re: string): string {
  return `^(?:${re})$`;
}

function unquote(raw: string): string | null {
  if (!raw.startsWith('"')) return raw;
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}
