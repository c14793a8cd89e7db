// Test fixtures: a valid mapping, a queued run of it, an empty alert, and a configuration with storage names no other
// file uses.
import { loadConfig, type CloudoConfig } from '../../src/config/load-config';
import type { AksContext, AlertContext } from '../../src/domain/alerts/alert';
import { NO_RESOURCE } from '../../src/domain/alerts/alert-fields';
import type { Mapping } from '../../src/domain/mappings/mapping';
import { newExecId } from '../../src/domain/runs/exec-id';
import { newExecution, type Execution } from '../../src/domain/runs/execution';
import { uniqueName } from './unique-names';

export function sampleMapping(overrides: Partial<Mapping> = {}): Mapping {
  return {
    partition: 'p',
    id: 'm',
    name: 'm',
    description: '',
    runbook: 'x.sh',
    runArgs: '',
    worker: 'Runbook',
    oncall: false,
    requireApproval: false,
    timeoutSeconds: null,
    enabled: true,
    env: {},
    match: null,
    runOn: 'fired',
    fourEyes: false,
    maxRuns: null,
    onBudgetExceeded: 'throttle',
    paging: { tags: [], responders: [] },
    aksLogin: false,
    aksCluster: null,
    params: {},
    schedule: null,
    scheduleParams: {},
    catchUp: false,
    concurrency: null,
    access: { run: null, approve: null },
    ...overrides,
  };
}

/** A manual run of `sampleMapping()`, requested at `now` and queued. */
export function sampleExecution(now = new Date()): Execution {
  return newExecution({
    execId: newExecId(now),
    mapping: sampleMapping(),
    trigger: 'manual',
    now,
    defaultTimeoutSeconds: 60,
  });
}

/** Settings pointing at the shared Azurite, with tables and queues of their own. */
export function isolatedConfig(connection: string, env: Readonly<Record<string, string>> = {}): CloudoConfig {
  const id = uniqueName('');
  return loadConfig({
    CLOUDO_STORAGE_CONNECTION: connection,
    CLOUDO_MAPPINGS_TABLE: `${id}m`,
    CLOUDO_EXECUTIONS_TABLE: `${id}x`,
    CLOUDO_QUEUE_PREFIX: `${id}-`,
    ...env,
  });
}

export const NO_AKS: AksContext = { namespace: null, pod: null, deployment: null, job: null, hpa: null };

/** A Fired Azure Monitor alert with nothing set: tests add only the fields they are about. */
export function sampleAlert(overrides: Partial<AlertContext> = {}): AlertContext {
  return {
    source: 'azure-monitor',
    alertId: 'id-1',
    rule: null,
    ruleName: null,
    severity: null,
    signalType: null,
    monitoringService: null,
    monitorCondition: 'Fired',
    firedAt: null,
    resolvedAt: null,
    resource: NO_RESOURCE,
    aks: NO_AKS,
    labels: {},
    annotations: {},
    idempotencyKey: 'k',
    ...overrides,
  };
}
