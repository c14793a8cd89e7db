// The deployed app's HTTP API as the CLI uses it: a key probe of the Trigger, alert executions, unmatched alerts.
import { z } from 'zod';
import { apiPath } from '../../domain/shared/api-paths';

export type Fetch = typeof fetch;

/** Something the app recorded for an alert: `key` tells records apart, `text` says what it is. */
export type Arrival = { readonly key: string; readonly text: string };

export type AppApi = {
  /** GETs the Trigger with the webhook's own URL and key: 400 (no mapping id) proves the key is accepted. */
  probeTrigger(serviceUri: string): Promise<{ ok: boolean; text: string }>;
  alertExecutions(since: Date): Promise<Arrival[]>;
  unmatchedAlerts(): Promise<Arrival[]>;
};

export class AppApiError extends Error {
  override readonly name = 'AppApiError';
}

const executions = z.object({
  items: z.array(
    z.object({
      execId: z.string(),
      status: z.string(),
      mapping: z.object({ partition_key: z.string(), id: z.string() }),
      runbook: z.string(),
      alert: z.object({ rule: z.string().nullable() }).nullable(),
    }),
  ),
});

const unmatched = z.object({
  items: z.array(
    z.object({
      receivedAt: z.string(),
      alertId: z.string(),
      rule: z.string().nullable(),
      monitorCondition: z.string(),
      partition: z.string().nullable(),
    }),
  ),
});

// The unmatched list is newest event first; a test alert may carry an old fire time, so read as far as allowed.
const LIST_LIMIT = '200';

export function createAppApi(appUrl: string, functionKey: string | undefined, fetchFn: Fetch, token?: string): AppApi {
  const base = appUrl.replace(/\/+$/, '');
  // With sign-in, the runs and unmatched alerts are read with a token; without it, with the key.
  const headers: Record<string, string> = {
    ...(functionKey ? { 'x-functions-key': functionKey } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const getJson = async (route: string): Promise<unknown> => {
    const res = await call(fetchFn, `${base}${apiPath(route)}`, { headers });
    if (res.status !== 200) throw new AppApiError(`GET ${apiPath(route.split('?')[0] ?? '')}: ${await describe(res)}`);
    return res.json();
  };
  return {
    probeTrigger: async (serviceUri) => {
      const res = await call(fetchFn, serviceUri, {}).catch((err: unknown) => err as AppApiError);
      if (res instanceof AppApiError) return { ok: false, text: res.message };
      if (res.status === 400) return { ok: true, text: 'the app accepts the webhook URL and key' };
      const why = res.status === 401 || res.status === 403 ? 'rejected the function key' : 'answered unexpectedly';
      return { ok: false, text: `the app ${why}: ${await describe(res)}` };
    },
    alertExecutions: async (since) => {
      const query = new URLSearchParams({ trigger: 'azure-monitor', since: since.toISOString(), limit: LIST_LIMIT });
      const page = parseWith(executions, await getJson(`logs?${query.toString()}`), 'logs');
      return page.items.map((e) => ({
        key: `execution ${e.execId}`,
        text: `execution ${e.execId} (${e.status}): mapping ${e.mapping.partition_key}/${e.mapping.id} → ${e.runbook}${e.alert?.rule ? `, rule "${e.alert.rule}"` : ''}`,
      }));
    },
    unmatchedAlerts: async () => {
      const page = parseWith(unmatched, await getJson(`alerts/unmatched?limit=${LIST_LIMIT}`), 'alerts/unmatched');
      return page.items.map((u) => ({
        key: `unmatched ${u.receivedAt} ${u.alertId} ${u.partition ?? ''}`,
        text: `unmatched alert (no mapping claimed it): rule "${u.rule ?? '?'}", ${u.monitorCondition}, received ${u.receivedAt}`,
      }));
    },
  };
}

async function call(fetchFn: Fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const where = new URL(url);
    throw new AppApiError(`cannot reach ${where.origin}${where.pathname}: ${(err as Error).message}`);
  }
}

async function describe(res: Response): Promise<string> {
  const body = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
  return `HTTP ${res.status}${body ? ` ${body}` : ''}`;
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new AppApiError(`unexpected answer from ${apiPath(what)}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
