// What the console does, asked for by another site's page with the person's session: no run, no cancel. On Azure
// nothing in front of the app refuses it (the local front does), so the functions must.
import { describe, expect, it } from 'vitest';
import { useSignedInRuntime, type Who } from '../../support/principals';
import { mappingDoc } from '../../support/test-runtime';

const MAPPINGS = mappingDoc('ops', [{ id: 'wait', name: 'Waits', runbook: 'wait.sh' }]);
const RUNBOOKS = { 'wait.sh': '#!/usr/bin/env bash\nsleep 120\n' };
const OPERATOR: Who = { oid: 'oid-csrf-operator', name: 'olga', roles: ['ClouDO.Operator'] };

// Another origin the local front lets through (a loopback name on another port), as a foreign site reaches Azure.
const FOREIGN = { origin: 'http://localhost:1' };

describe('cross-site state changes on people’s routes', () => {
  const { as } = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });

  it.each([
    ['a bodiless form post (no content type at all)', {}],
    ['a text/plain form post', { 'content-type': 'text/plain' }],
  ])('refuses to start a run on %s', async (_name, headers) => {
    const res = await as(OPERATOR, 'POST', 'runs/ops?id=wait', undefined, { ...FOREIGN, ...headers });
    expect(res.status, res.text).toBe(403);
    expect(res.body['error']).toMatchObject({ field: 'origin' });
    const runs = (await as(OPERATOR, 'GET', 'logs?mapping=wait')).body['items'] as unknown[];
    expect(runs).toEqual([]);
  });

  it('refuses to cancel a run for another site, and cancels it for the console itself', async () => {
    const run = await as(OPERATOR, 'POST', 'runs/ops?id=wait', undefined, { 'sec-fetch-site': 'same-origin' });
    expect(run.status, run.text).toBe(202);
    const cancel = `logs/${String(run.body['execId'])}/cancel`;
    const foreign = await as(OPERATOR, 'POST', cancel, undefined, FOREIGN);
    expect(foreign.status, foreign.text).toBe(403);
    const own = await as(OPERATOR, 'POST', cancel, {}, { 'sec-fetch-site': 'same-origin' });
    expect([200, 202]).toContain(own.status);
  });

  it('still answers reads from anywhere the front allows (GET changes nothing)', async () => {
    expect((await as(OPERATOR, 'GET', 'me', undefined, FOREIGN)).status).toBe(200);
  });
});
