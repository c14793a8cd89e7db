// Command-line flags: `--name value` and bare switches, checked against what a verb accepts.

export type FlagSpec = Readonly<Record<string, { readonly kind: 'value' | 'switch'; readonly required?: boolean }>>;

export type Flags = {
  /** Values by flag name without the dashes, e.g. `values['resource-group']`. */
  readonly values: Readonly<Record<string, string>>;
  readonly switches: ReadonlySet<string>;
};

/** A command line the verb cannot run: the message names the flag; the caller prints usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseFlags(args: readonly string[], spec: FlagSpec): Flags {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag = '', inline] = arg.startsWith('--') ? splitInline(arg) : [arg, undefined];
    const def = spec[flag];
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
    values[name] = value;
  }
  const missing = Object.entries(spec).filter(([f, d]) => d.required && !(f.slice(2) in values));
  if (missing.length > 0) throw new UsageError(`missing ${missing.map(([f]) => f).join(', ')}`);
  return { values, switches };
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
