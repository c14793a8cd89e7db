// A run's parameters for its process: plain values, and secret ones opened for this run alone.
import type { Execution } from '../../domain/runs/execution';
import { buildParamEnvironment, PARAM_ENV_PREFIX } from '../../domain/runs/run-params';
import { openParams } from '../../domain/runs/sealed-params';

export type OpenedParams = {
  readonly env: Record<string, string>;
  readonly secrets: { name: string; value: string }[];
};

/** The parameters as the runbook gets them; secret ones opened here, and only here, for this run. */
export function openRunParams(
  e: Execution,
  sealKey: string | undefined,
): ({ ok: true } & OpenedParams) | { ok: false; message: string } {
  if (!e.params) return { ok: true, env: {}, secrets: [] };
  let secrets: Record<string, string> = {};
  if (e.params.secretNames.length > 0) {
    const opened = e.params.sealed && sealKey ? openParams(e.params.sealed, sealKey, e.execId) : null;
    if (!opened) return { ok: false, message: CANNOT_OPEN };
    secrets = opened;
  }
  const env = buildParamEnvironment({ values: e.params.values, secrets });
  // Any length: the mapping says these are secret, so even a short one is hidden wherever it appears.
  const shown = Object.entries(secrets).filter(([, v]) => v.length > 0);
  return { ok: true, env, secrets: shown.map(([n, v]) => ({ name: `${PARAM_ENV_PREFIX}${n}`, value: v })) };
}

export const CANNOT_OPEN =
  'secret parameters could not be opened: APPROVAL_SECRET is unset or changed since the run was requested';
