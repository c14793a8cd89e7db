// Opsgenie client against a real local stub: exact requests, result mapping, timeouts, chat shapes, no leaked secrets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotifier, type NotifierSettings } from '../../../src/adapters/oncall/opsgenie-client';
import type { DeliveryResult } from '../../../src/domain/oncall/notification';
import type { OpsgenieAlert } from '../../../src/domain/oncall/page-alert';
import { startOpsgenieStub, type OpsgenieStub } from '../../support/opsgenie-stub';

const KEY = 'og-default-key-5f1e9a';
const TEAM_KEY = 'og-team-key-77c0b2';
const TOKEN = 'hook-token-3d8e41';

let og: OpsgenieStub;
let chatUrl: string;
const errors: string[] = [];

beforeAll(async () => {
  og = await startOpsgenieStub();
  chatUrl = `${og.url}/chat/T0/B0/${TOKEN}`;
});
afterAll(async () => {
  await og?.close();
});
beforeEach(() => og.clear());

function notifier(overrides: Partial<NotifierSettings> = {}) {
  return createNotifier({
    opsgenieUrl: og.url,
    defaultKey: KEY,
    partitionKeys: { TEAM_B: TEAM_KEY },
    chatWebhookUrl: chatUrl,
    chatFormat: 'slack',
    timeoutMs: 2000,
    ...overrides,
  });
}

/** Keeps every error for the final no-secrets check. */
function failed(r: DeliveryResult): { retryable: boolean; error: string } {
  if (r.ok) throw new Error('expected a failure');
  errors.push(r.error);
  return r;
}

const ALERT: OpsgenieAlert = {
  message: 'ClouDO: x.sh failed (p/m)',
  alias: 'cloudo/p/m/none',
  description: 'Status: failed',
  details: { execId: 'x1', exitCode: '3' },
  priority: 'P2',
  tags: ['cloudo', 'failed'],
  entity: 'p/m',
  source: 'ClouDO',
  responders: [{ type: 'team', name: 'sre' }],
};

async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('Opsgenie alerts', () => {
  it('creates an alert with the exact request, and returns the requestId', async () => {
    og.respondWith({ status: 202, body: { result: 'Request will be processed', took: 0.1, requestId: 'req-42' } });
    expect(await notifier().createAlert('p', ALERT)).toEqual({ ok: true, requestId: 'req-42' });
    const [req] = og.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v2/alerts' });
    expect(req!.headers['authorization']).toBe(`GenieKey ${KEY}`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual(JSON.parse(JSON.stringify(ALERT)));
  });

  it('omits fields that are not set', async () => {
    const bare: OpsgenieAlert = { ...ALERT, entity: undefined, responders: undefined };
    await notifier().createAlert('p', bare);
    const sent = Object.keys(og.requests[0]!.body as object);
    expect(sent.sort()).toEqual(['alias', 'description', 'details', 'message', 'priority', 'source', 'tags']);
  });

  it('closes by alias, encoding every character that matters', async () => {
    const alias = 'cloudo/ops/flaky fix/100%?#é/none';
    const r = await notifier().closeAlert('p', alias, { source: 'ClouDO', note: 'fixed' });
    expect(r.ok).toBe(true);
    const [req] = og.requests;
    expect(req!.path).toBe(
      '/v2/alerts/cloudo%2Fops%2Fflaky%20fix%2F100%25%3F%23%C3%A9%2Fnone/close?identifierType=alias',
    );
    expect(req!.body).toEqual({ source: 'ClouDO', note: 'fixed' });
  });

  it('uses the partition key override, and the default key for other partitions', async () => {
    const n = notifier();
    await n.createAlert('team-b', ALERT);
    await n.createAlert('other', ALERT);
    expect(og.requests.map((r) => r.headers['authorization'])).toEqual([`GenieKey ${TEAM_KEY}`, `GenieKey ${KEY}`]);
    expect(n.channels('team-b')).toEqual({ opsgenie: true, chat: true });
  });

  it('keeps the path prefix of a JSM base URL', async () => {
    const n = notifier({ opsgenieUrl: `${og.url}/jsm/ops/integration/` });
    await n.createAlert('p', ALERT);
    await n.closeAlert('p', 'a b', { source: 'ClouDO', note: 'n' });
    expect(og.requests.map((r) => r.path)).toEqual([
      '/jsm/ops/integration/v2/alerts',
      '/jsm/ops/integration/v2/alerts/a%20b/close?identifierType=alias',
    ]);
  });

  it('refuses to send without a key', async () => {
    const n = notifier({ defaultKey: undefined, chatWebhookUrl: undefined });
    expect(n.channels('p')).toEqual({ opsgenie: false, chat: false });
    expect(failed(await n.createAlert('p', ALERT))).toEqual({
      ok: false,
      retryable: false,
      error: 'no Opsgenie API key for partition p',
    });
    expect(og.requests).toHaveLength(0);
  });
});

describe('delivery results', () => {
  it('maps answers to retryable or permanent failures', async () => {
    og.respondWith(
      { status: 503, body: { message: 'down' } },
      { status: 429, body: { message: 'slow down' } },
      { status: 401, body: { message: `Key ${KEY} is not valid` } },
      { status: 400, body: { message: 'Message can not be empty.' } },
      { status: 403, body: { message: 'x'.repeat(5000) } },
    );
    const n = notifier();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(failed(await n.createAlert('p', ALERT)));
    expect(results.map((r) => r.retryable)).toEqual([true, true, true, false, true]);
    expect(results[0]!.error).toBe('Opsgenie answered 503 Service Unavailable: down');
    expect(results[2]!.error).toBe('Opsgenie answered 401 Unauthorized: Key [redacted] is not valid');
    expect(results[3]!.error).toContain('400');
    expect(results[4]!.error.length).toBeLessThan(400);
  });

  it('treats a timeout as retryable', async () => {
    og.respondWith({ status: 202, delayMs: 3000 });
    const r = failed(await notifier({ timeoutMs: 300 }).createAlert('p', ALERT));
    expect(r).toMatchObject({ retryable: true, error: 'Opsgenie request failed: no answer within 300 ms' });
  });

  it('treats a refused connection as retryable, for Opsgenie and chat', async () => {
    const down = await refusedUrl();
    const n = notifier({ opsgenieUrl: down, chatWebhookUrl: `${down}/chat/${TOKEN}` });
    expect(failed(await n.createAlert('p', ALERT))).toMatchObject({ retryable: true });
    expect(failed(await n.closeAlert('p', 'a', { source: 'ClouDO', note: 'n' }))).toMatchObject({ retryable: true });
    expect(failed(await n.postChat('hi'))).toMatchObject({ retryable: true });
  });
});

describe('chat', () => {
  it('posts Slack text, escaping what Slack would read as mentions', async () => {
    expect(await notifier().postChat('failed <!channel> & more')).toEqual({ ok: true });
    const [req] = og.requests;
    expect(req).toMatchObject({ method: 'POST', path: `/chat/T0/B0/${TOKEN}` });
    expect(req!.body).toEqual({ text: 'failed &lt;!channel&gt; &amp; more' });
  });

  it('posts a Teams message with one Adaptive Card', async () => {
    await notifier({ chatFormat: 'teams' }).postChat('failed <x>');
    expect(og.requests[0]!.body).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            type: 'AdaptiveCard',
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            version: '1.4',
            body: [{ type: 'TextBlock', text: 'failed <x>', wrap: true }],
          },
        },
      ],
    });
  });

  it('reports a failing webhook without its URL, even when the answer echoes it', async () => {
    og.respondWith({ status: 500, body: { message: `cannot post to ${chatUrl}` } }, { status: 404, body: TOKEN });
    const n = notifier();
    expect(failed(await n.postChat('hi'))).toMatchObject({ retryable: true });
    expect(failed(await n.postChat('hi'))).toMatchObject({ retryable: false });
  });

  it('never puts a key or the webhook URL into an error', () => {
    expect(errors.length).toBeGreaterThanOrEqual(10);
    for (const e of errors) for (const secret of [KEY, TEAM_KEY, TOKEN, chatUrl]) expect(e).not.toContain(secret);
  });
});
