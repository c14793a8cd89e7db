// The environment settings are read from: the process's own, over defaults such as local.settings.json's Values.
export type Environment = Readonly<Record<string, string | undefined>>;

/** The process environment over `defaults`; `fromDefaults` names the settings the environment did not set. */
export function overlayEnvironment(defaults: Readonly<Record<string, string>>): {
  readonly env: Environment;
  readonly fromDefaults: readonly string[];
} {
  const fromDefaults = Object.keys(defaults).filter((name) => process.env[name] === undefined);
  return { env: { ...defaults, ...process.env }, fromDefaults };
}
