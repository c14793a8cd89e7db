// Runbook environment: the allow-listed host variables plus ClouDO's own, and nothing else.
import type { Execution } from './execution';

/**
 * Later entries win: the mapping's static variables cannot shadow ClouDO's (the mapping schema also refuses them),
 * and ClouDO's variables cannot be forged by the host environment.
 */
export function runbookEnvironment(
  base: Readonly<Record<string, string>>,
  e: Execution,
  runbooksDir: string,
): Record<string, string> {
  return {
    ...base,
    ...e.mappingEnv,
    PYTHONUNBUFFERED: '1',
    CLOUDO_EXEC_ID: e.execId,
    CLOUDO_MAPPING_ID: e.mappingId,
    CLOUDO_MAPPING_NAME: e.mappingName,
    CLOUDO_PARTITION: e.partition,
    CLOUDO_TRIGGER: e.trigger,
    CLOUDO_REQUESTED_AT: e.requestedAt,
    CLOUDO_RUNBOOKS_DIR: runbooksDir,
  };
}
