// Test fixtures: a valid mapping and a configuration with storage names no other test file uses.
import { loadConfig, type CloudoConfig } from '../../src/config';
import type { Mapping } from '../../src/domain/mapping';
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
    ...overrides,
  };
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
