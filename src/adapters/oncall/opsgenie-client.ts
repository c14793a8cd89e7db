// Opsgenie client: creates and closes alerts through the Alert API v2 (or JSM Ops), and posts chat webhook messages.
import { parseJson } from '../shared/text-codecs';
import { clip } from '../../domain/shared/text-bounds';
import { toPartitionKeySuffix } from '../../domain/oncall/paging';
import type { DeliveryResult } from '../../domain/oncall/notification';
import type { OpsgenieAlert } from '../../domain/oncall/page-alert';
import type { OpsgenieClose } from '../../domain/oncall/page-text';
import type { Notifier } from '../../services/oncall/ports';

export type NotifierSettings = {
  /** Base URL: https://api.opsgenie.com, https://api.eu.opsgenie.com or https://api.atlassian.com/jsm/ops/integration. */
  readonly opsgenieUrl: string;
  readonly defaultKey?: string | undefined;
  /** Keyed by setting suffix (OPSGENIE_API_KEY_<suffix>): see toPartitionKeySuffix. */
  readonly partitionKeys: Readonly<Record<string, string>>;
  readonly chatWebhookUrl?: string | undefined;
  readonly chatFormat: 'slack' | 'teams';
  readonly timeoutMs: number;
};

type Post = { readonly url: string; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> };

const MAX_ANSWER = 300;

export function createNotifier(settings: NotifierSettings): Notifier {
  const base = settings.opsgenieUrl.replace(/\/+$/, '');
  const keyFor = (partition: string, suffix = toPartitionKeySuffix(partition)): string | undefined =>
    (Object.hasOwn(settings.partitionKeys, suffix) ? settings.partitionKeys[suffix] : undefined) ||
    settings.defaultKey ||
    undefined;
  const opsgenie = async (partition: string, path: string, body: unknown): Promise<DeliveryResult> => {
    const key = keyFor(partition);
    if (!key) return { ok: false, retryable: false, error: `no Opsgenie API key for partition ${partition}` };
    const post = { url: `${base}${path}`, body, headers: { Authorization: `GenieKey ${key}` } };
    return scrub(await send('Opsgenie', post, settings.timeoutMs), [key]);
  };
  return {
    channels: (partition) => ({ opsgenie: keyFor(partition) !== undefined, chat: !!settings.chatWebhookUrl }),
    createAlert: (partition, alert: OpsgenieAlert) => opsgenie(partition, '/v2/alerts', alert),
    closeAlert: (partition, alias, close: OpsgenieClose) =>
      opsgenie(partition, `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`, close),
    async postChat(text) {
      const url = settings.chatWebhookUrl;
      if (!url) return { ok: false, retryable: false, error: 'no chat webhook configured' };
      const body = settings.chatFormat === 'teams' ? teamsMessage(text) : { text: slackEscape(text) };
      const result = await send('chat webhook', { url, body }, settings.timeoutMs);
      // A requestId is Opsgenie's; whatever a chat service answers is not one.
      return result.ok ? { ok: true } : scrub(result, webhookSecrets(url));
    },
  };
}

/** One JSON POST; every outcome, including a timeout or a refused connection, becomes a DeliveryResult. */
async function send(service: string, post: Post, timeoutMs: number): Promise<DeliveryResult> {
  let res: Response;
  try {
    res = await fetch(post.url, {
      method: 'POST',
      headers: { ...post.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(post.body),
      // A redirect would carry the key elsewhere, or turn into a GET; neither API redirects.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { ok: false, retryable: true, error: `${service} request failed: ${networkReason(err, timeoutMs)}` };
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return { ok: true, ...requestIdOf(text) };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500 || [401, 403].includes(res.status);
  const answer = `${service} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const why = answerMessage(text);
  return { ok: false, retryable, error: why ? `${answer}: ${why}` : answer };
}

// Fetch errors may embed the URL (and so a webhook token): only the reason's name and code are kept.
function networkReason(err: unknown, timeoutMs: number): string {
  const name = isRecord(err) ? err['name'] : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = isRecord(err) ? err['cause'] : undefined;
  const code = isRecord(cause) ? cause['code'] : undefined;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? `network error (${code})` : 'network error';
}

function requestIdOf(text: string): { requestId?: string } {
  const parsed = parseJson(text);
  const id = isRecord(parsed) ? parsed['requestId'] : undefined;
  return typeof id === 'string' && id !== '' ? { requestId: id.slice(0, 100) } : {};
}

/** Opsgenie's `message` (Slack and Teams answer plain text), bounded. */
function answerMessage(text: string): string {
  const parsed = parseJson(text);
  const message = isRecord(parsed) && typeof parsed['message'] === 'string' ? parsed['message'] : text;
  const flat = message.replace(/\s+/g, ' ').trim();
  return clip(flat, MAX_ANSWER);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// The answer is the other side's text: it could echo the key or the webhook URL back.
function scrub(result: DeliveryResult, secrets: readonly string[]): DeliveryResult {
  if (result.ok) return result;
  let error = result.error;
  for (const s of secrets) if (s.length > 0) error = error.split(s).join('[redacted]');
  return { ...result, error };
}

// The webhook's path or query carries its token; any long part of it is as secret as the whole URL.
function webhookSecrets(url: string): string[] {
  try {
    const { pathname, search, searchParams } = new URL(url);
    const parts = [`${pathname}${search}`, ...pathname.split('/'), ...searchParams.values()];
    return [url, ...parts.filter((p) => p.length >= 12)].sort((x, y) => y.length - x.length);
  } catch {
    return [url];
  }
}

// Slack reads <…> as links and mentions (<!channel>); text from alerts must not notify a whole channel.
const slackEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function teamsMessage(text: string): unknown {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          type: 'AdaptiveCard',
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          version: '1.4',
          body: [{ type: 'TextBlock', text, wrap: true }],
        },
      },
    ],
  };
}
