// On-call settings: Opsgenie keys and URL, approval secret and lifetime, public URL and chat webhook, from loadConfig.
import { z } from 'zod';
import { toPartitionKeySuffix } from '../domain/oncall/paging';

export type OncallConfig = {
  readonly opsgenieUrl: string;
  readonly opsgenieKey: string | undefined;
  /** Per-partition keys, by setting suffix: OPSGENIE_API_KEY_TEAM_A serves partitions "team-a" and "Team_A". */
  readonly opsgenieKeys: Readonly<Record<string, string>>;
  /** Unset in production means approvals are refused; the local runtime generates one per start. */
  readonly approvalSecret: string | undefined;
  readonly approvalTtlMinutes: number;
  /** Base of links in pages and chat messages, e.g. https://cloudo.example.com; no trailing slash. */
  readonly publicUrl: string | undefined;
  readonly chatWebhookUrl: string | undefined;
  readonly chatFormat: 'slack' | 'teams';
  /** Per request to Opsgenie or the chat webhook. */
  readonly notifyTimeoutMs: number;
};

const KEY_PREFIX = 'OPSGENIE_API_KEY_';
// Names whose values are credentials: they never reach a runbook, and their values are redacted wherever seen.
export const SECRET_SETTING = /^(OPSGENIE_API_KEY|APPROVAL_SECRET$|CLOUDO_CHAT_WEBHOOK_URL$)/i;

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).transform((u) => u.replace(/\/+$/, ''));

export const oncallSchema = z.object({
  OPSGENIE_API_URL: httpUrl.default('https://api.opsgenie.com'),
  OPSGENIE_API_KEY: z.string().min(8, 'an Opsgenie API key').optional(),
  APPROVAL_SECRET: z.string().min(32, 'at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  APPROVAL_TTL_MIN: z.coerce.number().int().min(1).max(10_080).default(60),
  CLOUDO_PUBLIC_URL: httpUrl.optional(),
  WEBSITE_HOSTNAME: z.string().optional(),
  CLOUDO_CHAT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
  CLOUDO_CHAT_FORMAT: z.enum(['slack', 'teams']).default('slack'),
  // At most 20: a recorder's delivery deadline (1.5 × this) must end well before the timer may step in.
  CLOUDO_NOTIFY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(20).default(4),
});

type Env = Readonly<Record<string, string>>;

export function toOncallConfig(s: z.output<typeof oncallSchema>, env: Env): OncallConfig {
  return {
    opsgenieUrl: s.OPSGENIE_API_URL,
    opsgenieKey: s.OPSGENIE_API_KEY,
    opsgenieKeys: partitionKeys(env),
    approvalSecret: s.APPROVAL_SECRET,
    approvalTtlMinutes: s.APPROVAL_TTL_MIN,
    // In App Service, WEBSITE_HOSTNAME is the app's own default host name.
    publicUrl: s.CLOUDO_PUBLIC_URL ?? (s.WEBSITE_HOSTNAME ? `https://${s.WEBSITE_HOSTNAME}` : undefined),
    chatWebhookUrl: s.CLOUDO_CHAT_WEBHOOK_URL,
    chatFormat: s.CLOUDO_CHAT_FORMAT,
    notifyTimeoutMs: s.CLOUDO_NOTIFY_TIMEOUT_SECONDS * 1000,
  };
}

/** The configured credentials, for redaction wherever text leaves ClouDO. */
export function listConfiguredSecrets(c: OncallConfig, storageConnection: string | undefined) {
  const accountKey = /AccountKey=([^;]+)/i.exec(storageConnection ?? '')?.[1];
  return [
    { name: 'OPSGENIE_API_KEY', value: c.opsgenieKey },
    ...Object.entries(c.opsgenieKeys).map(([suffix, value]) => ({ name: `OPSGENIE_API_KEY_${suffix}`, value })),
    { name: 'APPROVAL_SECRET', value: c.approvalSecret },
    { name: 'CLOUDO_CHAT_WEBHOOK_URL', value: c.chatWebhookUrl },
    { name: 'storage account key', value: accountKey },
  ].filter((s): s is { name: string; value: string } => !!s.value && s.value.length >= 8);
}

/** Team keys are read by prefix, outside the schema; a short one would also be too short to redact safely. */
export function checkTeamKeys(env: Readonly<Record<string, string | undefined>>): string[] {
  return (
    Object.keys(env)
      .filter((k) => k.toUpperCase().startsWith(KEY_PREFIX) && k.length > KEY_PREFIX.length)
      // Blank means unset, as for every setting.
      .filter((k) => {
        const length = env[k]?.trim().length ?? 0;
        return length > 0 && length < 8;
      })
      .map((k) => `  ${k}: an Opsgenie API key`)
  );
}

function partitionKeys(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.toUpperCase().startsWith(KEY_PREFIX) && name.length > KEY_PREFIX.length)
      out[toPartitionKeySuffix(name.slice(KEY_PREFIX.length))] = value;
  }
  return out;
}
