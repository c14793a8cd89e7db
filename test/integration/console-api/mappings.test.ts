// GET /api/mappings and /api/mappings/{partition}/{id} on a signed-in runtime: what each mapping does, whether the
// caller may run or approve it (role and access list), its last run, and its budget and slots as they are now.
import { describe, expect, it } from 'vitest';
import { readUntil } from '../../support/poll';
import { useSignedInRuntime, type Who } from '../../support/principals';
import { ADMIN, APPROVER, GROUP, MAPPINGS, NOBODY, OPERATOR, READER, RUNBOOKS } from './console-people';

type Json = Record<string, unknown>;
const { as } = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });

const list = async (who: Who): Promise<Json[]> => {
  const res = await as(who, 'GET', 'mappings');
  expect(res.status).toBe(200);
  return res.body['items'] as Json[];
};
const find = (items: Json[], id: string): Json => items.find((i) => (i['mapping'] as Json)['id'] === id)!;
const finished = (execId: string) =>
  readUntil(
    async () => (await as(READER, 'GET', `logs/${execId}`)).body,
    (e) => !['queued', 'running'].includes(String(e['status'])),
    45_000,
  );

describe('GET /api/mappings', () => {
  it('lists every mapping with its triggers, rules in words, parameters and policies', async () => {
    const items = await list(READER);
    expect(items.map((i) => `${(i['mapping'] as Json)['partition_key']}/${(i['mapping'] as Json)['id']}`)).toEqual([
      'azure/vm-cpu-high',
      'ops/broken',
      'ops/capped',
      'ops/greet',
      'ops/nightly',
      'ops/off',
      'ops/one-at-a-time',
    ]);
    expect(find(items, 'greet')).toEqual({
      mapping: { partition_key: 'ops', id: 'greet', name: 'Greet' },
      description: 'Says hello',
      runbook: 'hello.sh',
      enabled: true,
      triggers: ['manual', 'alert'],
      match: ['alert rule name equals "greet"', 'run_on "fired": runs for Fired alerts; Resolved ones are skipped'],
      params: [
        { name: 'WHO', type: 'string', required: true, secret: false, description: 'whom to greet' },
        { name: 'LOUD', type: 'boolean', required: false, default: false, secret: false },
        { name: 'MOOD', type: 'enum', required: false, default: 'calm', enum: ['calm', 'busy'], secret: false },
        { name: 'TOKEN', type: 'string', required: false, secret: true },
      ],
      schedule: null,
      oncall: null,
      approval: null,
      budget: null,
      concurrency: null,
      may: { run: false, approve: false },
      lastRun: null,
    });
    const vm = find(items, 'vm-cpu-high');
    expect(vm).toMatchObject({
      match: [
        'severity is one of [Sev1, Sev2]',
        'resource_type is one of [Microsoft.Compute/virtualMachines]',
        'run_on "both": runs for Fired and Resolved alerts',
      ],
      oncall: { opsgenie: { tags: [], responders: [] } },
      approval: { required: true, on_budget_exceeded: 'throttle', four_eyes: true, approvers: ['ClouDO.Approver'] },
    });
    expect(find(items, 'nightly')).toMatchObject({
      triggers: ['manual', 'alert', 'schedule'],
      schedule: { cron: '0 0 3 * * *', timezone: 'UTC', next: expect.any(Array) },
    });
    expect((find(items, 'nightly')['schedule'] as Json)['next']).toHaveLength(3);
    expect(find(items, 'off')).toMatchObject({ enabled: false });
    expect(find(items, 'capped')).toMatchObject({ budget: { count: 1, window: 3600, per: 'mapping' } });
    expect(find(items, 'one-at-a-time')).toMatchObject({
      concurrency: { limit: 1, per: 'mapping', on_busy: 'skip' },
    });
  });

  it("says who may run and approve: the role, and the mapping's access list", async () => {
    const may = async (who: Who, id: string) => find(await list(who), id)['may'];
    expect(await may(READER, 'greet')).toEqual({ run: false, approve: false });
    expect(await may(OPERATOR, 'greet')).toEqual({ run: true, approve: false });
    // Off the run list (a group it is not in), an Operator may not run it; in the group, it may.
    expect(await may(OPERATOR, 'vm-cpu-high')).toEqual({ run: false, approve: false });
    expect(await may({ ...OPERATOR, groups: [GROUP] }, 'vm-cpu-high')).toEqual({ run: true, approve: false });
    expect(await may(APPROVER, 'vm-cpu-high')).toEqual({ run: false, approve: true });
    expect(await may(ADMIN, 'vm-cpu-high')).toEqual({ run: true, approve: true });
  });

  it('shows the last run once there is one', async () => {
    const run = await as(OPERATOR, 'POST', 'runs?id=broken');
    expect(run.status).toBe(202);
    const execId = String(run.body['execId']);
    await finished(execId);
    expect(find(await list(READER), 'broken')['lastRun']).toEqual({
      execId,
      status: 'failed',
      requestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('answers 401 without an identity, 403 without a role, 400 naming a parameter', async () => {
    expect((await as(null, 'GET', 'mappings')).status).toBe(401);
    expect((await as(NOBODY, 'GET', 'mappings')).body).toMatchObject({
      error: { code: 'forbidden', missingRole: 'ClouDO.Reader' },
    });
    expect((await as(READER, 'GET', 'mappings?limit=5')).body).toMatchObject({
      error: { code: 'bad_request', field: 'limit' },
    });
  });
});

describe('GET /api/mappings/{partition}/{id}', () => {
  it("shows the budget's use in the window as a run spends it", async () => {
    const before = await as(READER, 'GET', 'mappings/ops/capped');
    expect(before.status).toBe(200);
    expect(before.body['budget']).toEqual({ count: 1, window: 3600, per: 'mapping', used: 0, remaining: 1 });
    const run = await as(ADMIN, 'POST', 'runs?id=capped');
    await finished(String(run.body['execId']));
    const after = await as(READER, 'GET', 'mappings/ops/capped');
    expect(after.body['budget']).toEqual({ count: 1, window: 3600, per: 'mapping', used: 1, remaining: 0 });
    expect(after.body['lastRun']).toMatchObject({ execId: run.body['execId'], status: 'succeeded' });
  });

  it('shows the runs holding its concurrency slots', async () => {
    const idle = await as(READER, 'GET', 'mappings/ops/one-at-a-time');
    expect(idle.body['concurrency']).toEqual({ limit: 1, per: 'mapping', on_busy: 'skip', running: [], waiting: 0 });
    const run = await as(ADMIN, 'POST', 'runs?id=one-at-a-time');
    const execId = String(run.body['execId']);
    const busy = await readUntil(
      async () => (await as(READER, 'GET', 'mappings/ops/one-at-a-time')).body,
      (b) => ((b['concurrency'] as Json)['running'] as string[]).length > 0,
      30_000,
    );
    expect(busy['concurrency']).toEqual({ limit: 1, per: 'mapping', on_busy: 'skip', running: [execId], waiting: 0 });
    await as(ADMIN, 'POST', `logs/${execId}/cancel`, {});
  });

  it('is the list item for a mapping without budget or limit, and has no secret values', async () => {
    const one = await as(OPERATOR, 'GET', 'mappings/ops/greet');
    expect(one.status).toBe(200);
    expect(one.body).toEqual(find(await list(OPERATOR), 'greet'));
  });

  it('answers 404 naming id for an unknown mapping, and 400 naming an invalid partition', async () => {
    const missing = await as(READER, 'GET', 'mappings/ops/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'not_found', field: 'id' } });
    // Found in another partition is still not found in this one.
    expect((await as(READER, 'GET', 'mappings/azure/greet')).status).toBe(404);
    const bad = await as(READER, 'GET', 'mappings/~id/greet');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_request', field: 'partition' } });
  });
});
