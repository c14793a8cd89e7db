// The local runtime serves exactly what the Azure host is given: names, routes, methods, auth, queues, schedules.
// Import order matters: the host stand-in must be in place before the Azure entry point registers.
import { hostRegistrations, type CoreFunctionMetadata } from '../../support/capture-host';
import '../../../functions';
import { app } from '@azure/functions';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerFunctions } from '../../../functions/register';
import { loadConfig, type CloudoConfig } from '../../../src/config/load-config';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import { API_PREFIX } from '../../../src/domain/shared/api-paths';
import { createLocalHost, type Mount } from '../../../src/local/local-host';
import { mappingDoc, startTestRuntime, type TestRuntime } from '../../support/test-runtime';

type Normalized = Record<string, unknown>;

// What functions/index.ts registered on import, before any test registers more.
const entryPointRegistrations = [...hostRegistrations];

function fromHost(meta: CoreFunctionMetadata): Normalized {
  const trigger = Object.values(meta.bindings).find((b) => /Trigger$/.test(b.type));
  if (!trigger) throw new Error(`${meta.name} has no trigger binding`);
  const { type, route, methods, authLevel, queueName, connection, schedule, runOnStartup } = trigger;
  const common = { name: meta.name, type };
  if (type === 'httpTrigger') {
    return { ...common, route, methods: (methods as string[]).map((m) => m.toUpperCase()), authLevel };
  }
  if (type === 'queueTrigger') return { ...common, queueName, connection };
  return { ...common, schedule, runOnStartup: runOnStartup ?? false };
}

function fromLocal(m: Mount): Normalized {
  if (m.kind === 'http') {
    return { name: m.name, type: 'httpTrigger', route: m.route, methods: [...m.methods], authLevel: m.authLevel };
  }
  if (m.kind === 'queue')
    return { name: m.name, type: 'queueTrigger', queueName: m.queueName, connection: m.connection };
  return { name: m.name, type: 'timerTrigger', schedule: m.schedule, runOnStartup: m.runOnStartup };
}

/** What `app` from @azure/functions hands the host for this configuration. */
function hostView(config: CloudoConfig): Normalized[] {
  const before = hostRegistrations.length;
  registerFunctions(app, config, () => {
    throw new Error('not called');
  });
  return hostRegistrations.slice(before).map(fromHost);
}

const notCalled = () => {
  throw new Error('not called');
};

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({
    mappings: [
      ...mappingDoc('a', [{ id: 'one', name: 'one', runbook: 'x.sh' }]),
      ...mappingDoc('b', [{ id: 'two', name: 'two', runbook: 'x.sh', worker: 'Long_Jobs' }]),
    ],
    runbooks: { 'x.sh': 'true\n' },
  });
});
afterAll(async () => rt?.stop());

describe('registrations', () => {
  it('of the Azure entry point are what registerFunctions gives the local host', () => {
    const config = loadConfig();
    const entryPoint = entryPointRegistrations.map(fromHost);
    const host = createLocalHost();
    registerFunctions(host, config, notCalled);
    expect(entryPoint.length).toBeGreaterThanOrEqual(5);
    expect(host.mounts.map(fromLocal)).toEqual(entryPoint);
    const workers = config.workerPools.map((pool) => ({
      name: `Worker-${queueNameForPool('', pool)}`,
      type: 'queueTrigger',
      queueName: queueNameForPool(config.queuePrefix, pool),
      connection: config.storageSetting,
    }));
    expect(entryPoint).toEqual([
      {
        name: 'Trigger',
        type: 'httpTrigger',
        route: 'Trigger/{partition?}',
        methods: ['GET', 'POST'],
        authLevel: 'function',
      },
      { name: 'console', type: 'httpTrigger', route: 'console/{*path}', methods: ['GET'], authLevel: 'anonymous' },
      { name: 'metrics', type: 'httpTrigger', route: 'metrics', methods: ['GET'], authLevel: 'function' },
      { name: 'logs', type: 'httpTrigger', route: 'logs/{execId?}', methods: ['GET'], authLevel: 'function' },
      { name: 'output', type: 'httpTrigger', route: 'logs/{execId}/output', methods: ['GET'], authLevel: 'function' },
      { name: 'cancel', type: 'httpTrigger', route: 'logs/{execId}/cancel', methods: ['POST'], authLevel: 'function' },
      { name: 'runs', type: 'httpTrigger', route: 'runs/{partition?}', methods: ['POST'], authLevel: 'function' },
      { name: 'audit', type: 'httpTrigger', route: 'audit', methods: ['GET'], authLevel: 'function' },
      { name: 'me', type: 'httpTrigger', route: 'me', methods: ['GET'], authLevel: 'function' },
      { name: 'mappings', type: 'httpTrigger', route: 'mappings', methods: ['GET'], authLevel: 'function' },
      {
        name: 'mapping',
        type: 'httpTrigger',
        route: 'mappings/{partition}/{id}',
        methods: ['GET'],
        authLevel: 'function',
      },
      { name: 'overview', type: 'httpTrigger', route: 'overview', methods: ['GET'], authLevel: 'function' },
      { name: 'health', type: 'httpTrigger', route: 'health', methods: ['GET'], authLevel: 'anonymous' },
      { name: 'schedules', type: 'httpTrigger', route: 'schedules', methods: ['GET'], authLevel: 'function' },
      { name: 'unmatched', type: 'httpTrigger', route: 'alerts/unmatched', methods: ['GET'], authLevel: 'function' },
      {
        name: 'unmatchedDryRun',
        type: 'httpTrigger',
        route: 'alerts/unmatched/{key}/dry-run',
        methods: ['POST'],
        authLevel: 'function',
      },
      {
        name: 'approvals',
        type: 'httpTrigger',
        route: 'approvals/{execId}/{action}',
        methods: ['GET', 'POST'],
        authLevel: 'anonymous',
      },
      { name: 'openapi', type: 'httpTrigger', route: 'openapi.json', methods: ['GET'], authLevel: 'anonymous' },
      { name: 'Sweeper', type: 'timerTrigger', schedule: '0 * * * * *', runOnStartup: false },
      { name: 'Scheduler', type: 'timerTrigger', schedule: '*/5 * * * * *', runOnStartup: false },
      { name: 'Notifier', type: 'timerTrigger', schedule: '0 * * * * *', runOnStartup: false },
      { name: 'Intake', type: 'queueTrigger', queueName: 'cloudo-requests', connection: config.storageSetting },
      ...workers,
    ]);
  });

  it('agree with what a running local runtime mounts, every pool included', () => {
    const mounted = rt.runtime.mounts.map(fromLocal);
    expect(mounted).toEqual(hostView(rt.runtime.config));
    const queues = mounted.filter((m) => m['type'] === 'queueTrigger').map((m) => m['queueName']);
    expect(queues).toEqual([
      `${rt.config.queuePrefix}requests`,
      `${rt.config.queuePrefix}runbook`,
      `${rt.config.queuePrefix}long-jobs`,
    ]);
  });

  it('use the route prefix the API links assume', () => {
    const hostJson = JSON.parse(readFileSync(path.resolve(__dirname, '../../../host.json'), 'utf8')) as {
      extensions: { http: { routePrefix: string } };
    };
    expect(`/${hostJson.extensions.http.routePrefix}`).toBe(API_PREFIX);
  });
});
