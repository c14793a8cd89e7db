// Command-line flags: `--name value` and bare switches, checked against what a verb accepts.

/** `list` flags may be repeated (`--param A=1 --param B=2`); the others at most once. */
export type FlagSpec = Readonly<
  Record<string, { readonly kind: 'value' | 'switch' | 'list'; readonly required?: boolean }>
>;

export type Flags = {
  /** Values by flag name without the dashes, e.g. `values['resource-group']`. */
  readonly values: Readonly<Record<string, string>>;
  readonly switches: ReadonlySet<string>;
  /** Every value of a repeated (`list`) flag, in order. */
  readonly lists: Readonly<Record<string, readonly string[]>>;
  /** Arguments that are not flags, when the verb takes them (see parseFlags' `positional`). */
  readonly positional: readonly string[];
};

/** A command line the verb cannot run: the message names the flag; the caller prints usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `positional`: how many bare arguments the verb takes (e.g. an execution id); more is a usage error. */
export function parseFlags(args: readonly string[], spec: FlagSpec, positional = 0): Flags {
  const values: Record<string, string> = {};
  const lists: Record<string, string[]> = {};
  const bare: string[] = [];
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag = '', inline] = arg.startsWith('--') ? splitInline(arg) : [arg, undefined];
    const def = spec[flag];
    if (!def && !arg.startsWith('--') && bare.length < positional) {
      bare.push(arg);
      continue;
    }
    if (!def) throw new UsageError(arg.startsWith('--') ? `unknown flag ${flag}` : `unexpected argument "${arg}"`);
    const name = flag.slice(2);
    if (name in values || switches.has(name)) throw new UsageError(`${flag} given twice`);
    if (def.kind === 'switch') {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      switches.add(name);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`${flag} needs a value`);
    }
    if (def.kind === 'list') (lists[name] ??= []).push(value);
    else values[name] = value;
  }
  const missing = Object.entries(spec).filter(([f, d]) => d.required && !(f.slice(2) in values));
  if (missing.length > 0) throw new UsageError(`missing ${missing.map(([f]) => f).join(', ')}`);
  return { values, switches, lists, positional: bare };
}

/** A whole number within bounds, or a usage error naming the flag. */
export function readIntFlag(flags: Flags, name: string, min: number, max: number, fallback: number): number {
  const raw = flags.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}
