// Planted secrets: no Opsgenie key, approval secret, chat URL or storage key in answers, records, env, queues or logs.
import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';
import { useOncallRuntime } from '../../support/oncall-runtime';
import { call, mappingDoc, waitForTerminal, type Json } from '../../support/test-runtime';

const OPSGENIE_KEY = 'planted-opsgenie-key-7f3a9c';
const TEAM_KEY = 'planted-team-key-41bd02';
const APPROVAL_SECRET = 'planted-approval-secret-5e8d1f2a9b7c4e6f0a1b';
let CHAT_URL = '';

const h = useOncallRuntime((og) => {
  CHAT_URL = `${og.url}/chat/T000/B000/planted-chat-token-9c2e`;
  return {
    mappings: mappingDoc('team-x', [
      // Prints its whole environment, then fails: its output, record and page are all searched.
      { id: 'leaky', name: 'leaky', runbook: 'leaky.sh', oncall: true, max_runs: { count: 1, window: '1h' } },
      { id: 'gated', name: 'gated', runbook: 'leaky.sh', require_approval: true },
    ]),
    runbooks: { 'leaky.sh': 'env\necho "args: $*"\nexit 1\n' },
    env: {
      OPSGENIE_API_KEY: OPSGENIE_KEY,
      OPSGENIE_API_KEY_TEAM_X: TEAM_KEY,
      OPSGENIE_API_URL: og.url,
      APPROVAL_SECRET,
      CLOUDO_CHAT_WEBHOOK_URL: CHAT_URL,
    },
  };
});

describe('secrets never leak', () => {
  it('keeps every planted secret out of every output', async () => {
    const failed = await post('leaky');
    await waitForTerminal(h.rt.url, failed);
    const throttled = await post('leaky');
    const gatedRes = await fetch(`${h.rt.url}/api/Trigger?id=gated`, { method: 'POST' });
    const gated = (await gatedRes.json()) as Json;
    await h.og.waitFor((r) => r.path === '/v2/alerts' && JSON.stringify(r.body).includes('approval'));
    await h.og.waitFor((r) => r.path.startsWith('/chat/'));

    const texts: string[] = [JSON.stringify(gated)];
    const list = await call('GET', `${h.rt.url}/api/logs?limit=200`);
    texts.push(JSON.stringify(list.body));
    for (const id of [failed, throttled, String(gated['execId'])]) {
      texts.push(JSON.stringify((await call('GET', `${h.rt.url}/api/logs/${id}`)).body));
      texts.push(await (await fetch(`${h.rt.url}/api/logs/${id}?format=text`)).text());
    }
    const page = await fetch((gated['links'] as Record<string, string>)['approve']!);
    texts.push(await page.text());
    texts.push(h.rt.logs.join('\n'));
    // Opsgenie gets its key in the Authorization header, and the chat URL is where the chat token lives; bodies and
    // Opsgenie paths carry neither.
    texts.push(
      JSON.stringify(h.og.requests.map((r) => ({ path: r.path.startsWith('/chat/') ? '' : r.path, body: r.body }))),
    );
    texts.push(...(await queueMessages()));

    const all = texts.join('\n');
    const STORAGE_KEY = /AccountKey=([^;]+)/.exec(h.rt.runtime.connectionString)![1]!;
    expect(all).toContain('args:');
    // Redaction is the second line of defence: a runbook must never have had a credential to print.
    expect(all).not.toContain('[redacted');
    expect(all).not.toMatch(/OPSGENIE_API_KEY|APPROVAL_SECRET|CLOUDO_CHAT_WEBHOOK_URL/);
    for (const secret of [OPSGENIE_KEY, TEAM_KEY, APPROVAL_SECRET, 'planted-chat-token-9c2e', STORAGE_KEY]) {
      expect(all, `leaked ${secret.slice(0, 12)}…`).not.toContain(secret);
    }
  });
});

async function post(id: string): Promise<string> {
  const res = await fetch(`${h.rt.url}/api/Trigger?id=${id}`, { method: 'POST' });
  return String(((await res.json()) as Json)['execId']);
}

async function queueMessages(): Promise<string[]> {
  const service = QueueServiceClient.fromConnectionString(h.rt.runtime.connectionString);
  const out: string[] = [];
  for await (const q of service.listQueues({ prefix: h.rt.config.queuePrefix })) {
    const peeked = await service.getQueueClient(q.name).peekMessages({ numberOfMessages: 32 });
    out.push(...peeked.peekedMessageItems.map((m) => m.messageText));
  }
  return out;
}
