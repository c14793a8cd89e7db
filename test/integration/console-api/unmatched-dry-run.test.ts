// POST /api/alerts/unmatched/{key}/dry-run: an alert nobody claimed, kept with its delivery, replayed against today's
// mappings exactly as POST /api/Trigger?dry_run=true answers for the same body; 400 and 404 naming key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSignedInRuntime } from '../../support/principals';
import { call, startTestRuntime, type TestRuntime } from '../../support/test-runtime';
import { MAPPINGS, NOBODY, READER, RUNBOOKS, unclaimedAlert } from './console-people';

type Json = Record<string, unknown>;
const { as } = useSignedInRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
// Locally every caller may read, so Trigger's own dry run can be asked for the same body and compared.
let local: TestRuntime | undefined;
beforeAll(async () => {
  local = await startTestRuntime({ mappings: MAPPINGS, runbooks: RUNBOOKS });
});
afterAll(async () => local?.stop());

async function unmatchedItem(rule: string): Promise<Json> {
  const res = await as(READER, 'GET', 'alerts/unmatched');
  expect(res.status).toBe(200);
  return (res.body['items'] as Json[]).find((i) => i['rule'] === rule)!;
}

describe('POST /api/alerts/unmatched/{key}/dry-run', () => {
  it("answers what Trigger's dry run answers for the alert's delivery", async () => {
    const body = unclaimedAlert('NobodyMapsThis');
    expect((await as(null, 'POST', 'Trigger', body)).status).toBe(200);
    const item = await unmatchedItem('NobodyMapsThis');
    expect(item).toMatchObject({
      key: expect.stringMatching(/^\d{13}-[0-9a-f]{32}$/),
      source: 'alertmanager',
      monitorCondition: 'Fired',
      partition: null,
      links: { dryRun: `/api/alerts/unmatched/${String(item['key'])}/dry-run` },
    });
    const replay = await as(READER, 'POST', String((item['links'] as Json)['dryRun']).replace('/api/', ''));
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ dryRun: true, alerts: [{ alert: { ruleName: 'NobodyMapsThis' } }] });
    const previews = ((replay.body['alerts'] as Json[])[0]!['mappings'] as Json[]).map((m) => m['claimed']);
    expect(previews).toHaveLength(7);
    expect(previews.every((c) => c === false)).toBe(true);
  });

  it('is exactly the answer of POST /api/Trigger?dry_run=true with the same body', async () => {
    const url = local!.url;
    const body = unclaimedAlert('StillNobody');
    expect((await call('POST', `${url}/api/Trigger`, body)).status).toBe(200);
    const items = (await call('GET', `${url}/api/alerts/unmatched`)).body['items'] as Json[];
    const dryRun = String((items.find((i) => i['rule'] === 'StillNobody')!['links'] as Json)['dryRun']);
    const replay = await call('POST', `${url}${dryRun}`);
    const direct = await call('POST', `${url}/api/Trigger?dry_run=true`, body);
    expect(replay.status).toBe(200);
    expect(direct.status).toBe(200);
    expect(replay.body).toEqual(direct.body);
  });

  it('answers 404 naming key when no such record is kept, 400 naming key when it is not one', async () => {
    const gone = await as(READER, 'POST', `alerts/unmatched/0000000000000-${'0'.repeat(32)}/dry-run`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: { code: 'not_found', field: 'key' } });
    const bad = await as(READER, 'POST', 'alerts/unmatched/not-a-key/dry-run');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_request', field: 'key' } });
  });

  it('needs a reader', async () => {
    const path = `alerts/unmatched/0000000000000-${'0'.repeat(32)}/dry-run`;
    expect((await as(null, 'POST', path)).status).toBe(401);
    expect((await as(NOBODY, 'POST', path)).status).toBe(403);
  });
});
