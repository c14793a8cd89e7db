// Callers and mappings the console API suites share: one person per role, and a realistic set of mappings.
import { randomBytes } from 'node:crypto';
import { alertFixture } from '../../support/alert-fixtures';
import type { Who } from '../../support/principals';
import { mappingDoc } from '../../support/test-runtime';

export const GROUP = '7d2b1c9e-3a4f-4e6b-8c1d-9f0a1b2c3d4e';

export const READER: Who = { oid: 'oid-reader', name: 'rita', roles: ['ClouDO.Reader'] };
export const OPERATOR: Who = { oid: 'oid-operator', name: 'otto', roles: ['ClouDO.Operator'] };
export const APPROVER: Who = { oid: 'oid-approver', name: 'april', roles: ['ClouDO.Approver'] };
export const ADMIN: Who = { oid: 'oid-admin', name: 'ada', roles: ['ClouDO.Admin'] };
export const NOBODY: Who = { oid: 'oid-none', name: 'nora' };

export const RUNBOOKS = {
  'hello.sh': '#!/usr/bin/env bash\necho hello\n',
  'fail.sh': '#!/usr/bin/env bash\necho broken >&2\nexit 3\n',
  'slow.sh': '#!/usr/bin/env bash\nsleep 20\n',
};

/** Manual, alert-matching, scheduled, budgeted, gated, limited and access-listed mappings. */
export const MAPPINGS = [
  ...mappingDoc('ops', [
    {
      id: 'greet',
      name: 'Greet',
      description: 'Says hello',
      runbook: 'hello.sh',
      params: {
        WHO: { type: 'string', required: true, description: 'whom to greet' },
        LOUD: { type: 'boolean', default: false },
        MOOD: { type: 'enum', values: ['calm', 'busy'], default: 'calm' },
        TOKEN: { type: 'string', secret: true },
      },
    },
    { id: 'broken', name: 'broken', runbook: 'fail.sh' },
    { id: 'capped', name: 'capped', runbook: 'hello.sh', max_runs: { count: 1, window: '1h' } },
    { id: 'one-at-a-time', name: 'one-at-a-time', runbook: 'slow.sh', concurrency: { limit: 1, on_busy: 'skip' } },
    { id: 'nightly', name: 'nightly', runbook: 'hello.sh', schedule: '0 0 3 * * *' },
    { id: 'off', name: 'off', runbook: 'hello.sh', enabled: false },
  ]),
  ...mappingDoc('azure', [
    {
      id: 'vm-cpu-high',
      name: 'vm-cpu-high',
      runbook: 'hello.sh',
      match: { severity: ['Sev1', 'Sev2'], resource_type: 'Microsoft.Compute/virtualMachines' },
      run_on: 'both',
      require_approval: true,
      four_eyes: true,
      oncall: true,
      access: { run: [GROUP], approve: ['ClouDO.Approver'] },
    },
  ]),
];

/** An Alertmanager delivery of one firing alert, just now, that no mapping above claims (no rule of that name). */
export function unclaimedAlert(name: string): Record<string, unknown> {
  const body = alertFixture('alertmanager-webhook-v4-firing.composed.json');
  const [first] = body['alerts'] as Record<string, unknown>[];
  const alert = {
    ...first,
    labels: { ...(first!['labels'] as object), alertname: name },
    startsAt: new Date().toISOString(),
    fingerprint: randomBytes(8).toString('hex'),
  };
  return { ...body, alerts: [alert], commonLabels: { alertname: name }, groupLabels: { alertname: name } };
}
