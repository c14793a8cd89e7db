// A run's parameters: the values a request or an alert gives, checked against the mapping's declarations.
import { badRequest } from '../shared/errors';
import { checkParamValue, type ParamSpec } from '../mappings/param-spec';

/** What a run passes to its runbook as CLOUDO_PARAM_<NAME>: plain values, and secret ones kept apart. */
export type RunParams = {
  readonly values: Readonly<Record<string, string>>;
  /** Never stored in clear: sealed on the record until the run ends (see sealed-params). */
  readonly secrets: Readonly<Record<string, string>>;
};

export const NO_PARAMS: RunParams = { values: {}, secrets: {} };
/** How a secret parameter's value is shown anywhere but the runbook's environment. */
export const SECRET_MARK = '[secret]';
export const PARAM_ENV_PREFIX = 'CLOUDO_PARAM_';
export const MAX_PARAMS_TOTAL = 16_000;

type Specs = Readonly<Record<string, ParamSpec>>;

/** A manual request's `params`; throws 400 naming `params.<NAME>` for an unknown, missing or invalid value. */
export function resolveRequestParams(mappingId: string, specs: Specs, given: unknown): RunParams {
  const names = Object.keys(specs);
  if (given === undefined) given = {};
  if (names.length === 0 && hasContent(given))
    throw badRequest('params', `Mapping "${mappingId}" declares no parameters.`);
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw badRequest('params', 'Send parameters as an object: {"params": {"NAME": "value"}}.');
  const entries = given as Record<string, unknown>;
  for (const name of Object.keys(entries)) {
    if (!Object.hasOwn(specs, name))
      throw badRequest(
        `params.${name.slice(0, 64)}`,
        `Unknown parameter; mapping "${mappingId}" takes ${names.join(', ')}.`,
      );
  }
  return collect(
    specs,
    (name) => (Object.hasOwn(entries, name) ? entries[name] : undefined),
    (field, message) => {
      throw badRequest(field, message);
    },
  );
}

/** An alert-triggered run's parameters, filled from the alert's variables (`from`) or defaults; or why it cannot run. */
export function resolveAlertParams(
  specs: Specs,
  alertEnv: Readonly<Record<string, string>>,
): { ok: true; params: RunParams } | { ok: false; reason: string } {
  try {
    const params = collect(
      specs,
      (name) => {
        const from = specs[name]?.from;
        return from !== undefined && alertEnv[from] !== undefined ? alertEnv[from] : undefined;
      },
      (field, message) => {
        throw new Error(`${field}: ${message}`);
      },
    );
    return { ok: true, params };
  } catch (err) {
    return { ok: false, reason: `parameter ${(err as Error).message}` };
  }
}

function collect(
  specs: Specs,
  valueOf: (name: string) => unknown,
  fail: (field: string, m: string) => never,
): RunParams {
  const values: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = valueOf(name) ?? spec.default;
    if (value === undefined) {
      if (spec.required) fail(`params.${name}`, describeMissing(spec));
      continue;
    }
    const checked = checkParamValue(spec, value);
    if (!checked.ok) fail(`params.${name}`, checked.message);
    (spec.secret ? secrets : values)[name] = checked.text;
  }
  // Stored as one table property (64 KiB) with the sealed secrets: bounded in all, not only one by one.
  const total = [...Object.values(values), ...Object.values(secrets)].reduce((n, v) => n + v.length, 0);
  if (total > MAX_PARAMS_TOTAL) fail('params', `at most ${MAX_PARAMS_TOTAL} characters of values in all`);
  return { values, secrets };
}

function describeMissing(spec: ParamSpec): string {
  return spec.from ? `required, and the alert has no ${spec.from}` : 'required';
}

/** The parameters as the runbook gets them. */
export function buildParamEnvironment(params: RunParams): Record<string, string> {
  const all = { ...params.values, ...params.secrets };
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [`${PARAM_ENV_PREFIX}${k}`, v]));
}

/** The parameters as a dry run shows them to the runbook: secret values replaced by the mark. */
export function maskSecrets(params: RunParams): RunParams {
  return {
    values: params.values,
    secrets: Object.fromEntries(Object.keys(params.secrets).map((n) => [n, SECRET_MARK])),
  };
}

/** The parameters as answers and logs show them: secret values replaced by the mark. */
export function showParams(values: Readonly<Record<string, string>>, secretNames: readonly string[]) {
  return { ...values, ...Object.fromEntries(secretNames.map((n) => [n, SECRET_MARK])) };
}

const hasContent = (v: unknown): boolean =>
  typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length > 0;
