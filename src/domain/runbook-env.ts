// Runbook environment: the allow-listed host variables, the mapping's, the alert's, and ClouDO's own; nothing else.
import { alertEnvironment } from './alert-env';
import type { Execution } from './execution';

/**
 * Later entries win: alert context over the mapping's static variables (the mapping schema also refuses the alert
 * names), and ClouDO's variables over everything, so neither the host nor a sender can forge them.
 */
export function runbookEnvironment(
  base: Readonly<Record<string, string>>,
  e: Execution,
  runbooksDir: string,
  alertFile?: string,
): Record<string, string> {
  return {
    ...base,
    ...e.mappingEnv,
    ...(e.alert ? alertEnvironment(e.alert) : {}),
    PYTHONUNBUFFERED: '1',
    CLOUDO_EXEC_ID: e.execId,
    CLOUDO_MAPPING_ID: e.mappingId,
    CLOUDO_MAPPING_NAME: e.mappingName,
    CLOUDO_PARTITION: e.partition,
    CLOUDO_TRIGGER: e.trigger,
    CLOUDO_REQUESTED_AT: e.requestedAt,
    CLOUDO_RUNBOOKS_DIR: runbooksDir,
    ...(alertFile ? { CLOUDO_ALERT_FILE: alertFile } : {}),
  };
}
