// JSON nesting: how deep a parsed value nests, found without recursion, so a hostile body cannot exhaust the stack.

/** Deeper than any alert or request ClouDO takes; far below what recursive code (JSON.stringify) survives. */
export const MAX_JSON_DEPTH = 64;

type Frame = {
  readonly value: object;
  readonly depth: number;
  readonly key: string | null;
  readonly parent: Frame | null;
};

export type TooDeep = { readonly field: string | null; readonly message: string };

/** Null when `root` nests at most `max` levels (a bare object or array is one); else where it goes deeper. */
export function findTooDeep(root: unknown, max = MAX_JSON_DEPTH): TooDeep | null {
  if (!isContainer(root)) return null;
  const stack: Frame[] = [{ value: root, depth: 1, key: null, parent: null }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    if (frame.depth > max) {
      const field = keysOf(frame);
      const at = field === null ? '' : ` (in "${field}")`;
      return { field, message: `The JSON nests deeper than ${max} levels${at}: at most ${max} are taken.` };
    }
    const children: [string | null, unknown][] = Array.isArray(frame.value)
      ? frame.value.map((v: unknown) => [null, v])
      : Object.entries(frame.value);
    for (const [key, value] of children) {
      if (isContainer(value)) stack.push({ value, depth: frame.depth + 1, key, parent: frame });
    }
  }
  return null;
}

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null;

// The object keys on the way down (array levels elided): "data.alertContext" names the field; null at the top.
function keysOf(frame: Frame): string | null {
  const keys: string[] = [];
  for (let f: Frame | null = frame; f; f = f.parent) if (f.key !== null) keys.push(f.key);
  if (keys.length === 0) return null;
  const path = keys.reverse().join('.');
  // Sender keys: 64 of any length would make an answer of any size; the start of the path names the field.
  return path.length > MAX_FIELD_CHARS ? `${path.slice(0, MAX_FIELD_CHARS)}…` : path;
}

const MAX_FIELD_CHARS = 200;
