// The local runtime serves exactly what the Azure host is given: names, routes, methods, auth, queues, schedules.
// Import order matters: the host stand-in must be in place before the Azure entry point registers.
import { hostRegistrations, type CoreFunctionMetadata } from '../support/capture-host';
import '../../functions/index';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerFunctions } from '../../functions/register';
import { loadConfig } from '../../src/config';
import { API_PREFIX } from '../../src/http/views';
import { createLocalHost } from '../../src/local/local-host';

type Normalized = Record<string, unknown>;

function fromHost(meta: CoreFunctionMetadata): Normalized {
  const trigger = Object.values(meta.bindings).find((b) => /Trigger$/.test(b.type));
  if (!trigger) throw new Error(`${meta.name} has no trigger binding`);
  const { type, route, methods, authLevel, queueName, connection, schedule, runOnStartup } = trigger;
  const common = { name: meta.name, type };
  if (type === 'httpTrigger')
    return { ...common, route, methods: (methods as string[]).map((m) => m.toUpperCase()), authLevel };
  if (type === 'queueTrigger') return { ...common, queueName, connection };
  return { ...common, schedule, runOnStartup: runOnStartup ?? false };
}

describe('registrations', () => {
  it('agree between the Azure host and the local runtime', () => {
    const host = createLocalHost();
    registerFunctions(host, loadConfig(), () => {
      throw new Error('not called');
    });
    const local = host.mounts.map((m): Normalized => {
      if (m.kind === 'http')
        return { name: m.name, type: 'httpTrigger', route: m.route, methods: [...m.methods], authLevel: m.authLevel };
      if (m.kind === 'queue')
        return { name: m.name, type: 'queueTrigger', queueName: m.queueName, connection: m.connection };
      return { name: m.name, type: 'timerTrigger', schedule: m.schedule, runOnStartup: m.runOnStartup };
    });
    const azure = hostRegistrations.map(fromHost);
    expect(azure.length).toBeGreaterThanOrEqual(5);
    expect(local).toEqual(azure);
    expect(azure).toEqual(
      expect.arrayContaining([
        {
          name: 'Trigger',
          type: 'httpTrigger',
          route: 'Trigger/{partition?}',
          methods: ['GET', 'POST'],
          authLevel: 'function',
        },
        { name: 'logs', type: 'httpTrigger', route: 'logs/{execId?}', methods: ['GET'], authLevel: 'function' },
        { name: 'health', type: 'httpTrigger', route: 'health', methods: ['GET'], authLevel: 'anonymous' },
        { name: 'Sweeper', type: 'timerTrigger', schedule: '0 */5 * * * *', runOnStartup: false },
        {
          name: 'Worker-runbook',
          type: 'queueTrigger',
          queueName: 'cloudo-runbook',
          connection: 'AzureWebJobsStorage',
        },
      ]),
    );
  });

  it('uses the route prefix the API links assume', () => {
    const hostJson = JSON.parse(readFileSync(path.resolve(__dirname, '../../host.json'), 'utf8')) as {
      extensions: { http: { routePrefix: string } };
    };
    expect(`/${hostJson.extensions.http.routePrefix}`).toBe(API_PREFIX);
  });
});
