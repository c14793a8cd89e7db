// Function registrations: one worker per distinct queue, whatever the spelling of the pool names.
import { describe, expect, it } from 'vitest';
import { registerFunctions } from '../../../functions/register';
import { loadConfig } from '../../../src/config/load-config';
import { createLocalHost } from '../../../src/local/local-host';

describe('registerFunctions', () => {
  it('gives pools that share a queue one worker function', () => {
    const host = createLocalHost();
    const config = loadConfig({ CLOUDO_WORKER_POOLS: 'Runbook, runbook, Long_Jobs, long-jobs' });
    registerFunctions(host, config, () => {
      throw new Error('not called');
    });
    const queues = host.mounts.flatMap((m) => (m.kind === 'queue' ? [`${m.name} ${m.queueName}`] : []));
    expect(queues).toEqual([
      'Intake cloudo-requests',
      'Worker-runbook cloudo-runbook',
      'Worker-long-jobs cloudo-long-jobs',
    ]);
  });

  it('refuses a pool that would consume the intake queue', () => {
    expect(() => loadConfig({ CLOUDO_WORKER_POOLS: 'Runbook,Requests' })).toThrow(
      /pool "Requests" would consume the intake queue cloudo-requests/,
    );
    expect(() => loadConfig({ CLOUDO_WORKER_POOLS: 'requests-poison' })).toThrow(/would consume the intake queue/);
    expect(() => loadConfig({ CLOUDO_INTAKE_QUEUE: 'cloudo-runbook-poison' })).toThrow(
      /CLOUDO_INTAKE_QUEUE: cloudo-runbook-poison is the poison queue of pool "Runbook"/,
    );
  });
});
