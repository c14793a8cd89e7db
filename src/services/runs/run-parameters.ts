// A run's parameters on their way to the record: plain values kept, secret ones sealed for the worker alone.
import { AppError } from '../../domain/shared/errors';
import type { ExecutionParams } from '../../domain/runs/execution';
import type { Mapping } from '../../domain/mappings/mapping';
import type { RunParams } from '../../domain/runs/run-params';
import { sealParams } from '../../domain/runs/sealed-params';

export const NO_SEAL_KEY =
  'has secret parameters, which travel to the worker sealed with a key derived from APPROVAL_SECRET: set it';

/** undefined for mappings without parameters; throws conflict when secrets are given and nothing can seal them. */
export function toExecutionParams(
  mapping: Mapping,
  params: RunParams,
  execId: string,
  sealKey: string | undefined,
): ExecutionParams | undefined {
  if (Object.keys(mapping.params).length === 0) return undefined;
  const secretNames = Object.keys(params.secrets);
  const base = { values: params.values, secretNames };
  if (secretNames.length === 0) return base;
  if (sealKey === undefined)
    throw new AppError('conflict', `Mapping "${mapping.id}" ${NO_SEAL_KEY}.`, { field: 'params', reason: 'no_key' });
  return { ...base, sealed: sealParams(params.secrets, sealKey, execId) };
}
