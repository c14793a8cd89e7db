// The Notifier timer's work, run with a clock set ahead: overdue approvals expire and page, owed pages are retried.
import { createAuditTable } from '../../../src/adapters/audit/audit-table';
import { describe, expect, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { createPageStateTable } from '../../../src/adapters/oncall/page-state-table';
import { createRunQueue } from '../../../src/adapters/runs/run-queue';
import { createStorageClients } from '../../../src/adapters/shared/storage-clients';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { wireOncall } from '../../../src/composition/oncall-wiring';
import { expireApprovals, retryNotifications } from '../../../src/services/oncall/oncall-timer';
import type { Logger } from '../../../src/services/shared/ports';
import { useOncallRuntime } from '../../support/oncall-runtime';
import { call, mappingDoc, waitForTerminal, type Json } from '../../support/test-runtime';

const h = useOncallRuntime((og) => ({
  mappings: mappingDoc('ops', [
    { id: 'gated', name: 'gated', runbook: 'fail.sh', oncall: true, require_approval: true },
    { id: 'broken', name: 'broken', runbook: 'fail.sh', oncall: true },
  ]),
  runbooks: { 'fail.sh': 'echo "disk full" >&2\nexit 1\n' },
  env: { OPSGENIE_API_KEY: 'opsgenie-key-for-timer-tests', OPSGENIE_API_URL: og.url },
}));

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The timer's dependencies as the app wires them, on this runtime's storage, with the clock `ahead` ms ahead. */
function timerDeps(aheadMs: number) {
  const config = h.rt.runtime.config;
  const clients = createStorageClients(h.rt.runtime.connectionString, config);
  const parts = {
    executions: createExecutionTable(clients.executions),
    queue: createRunQueue(clients.queues, config.queuePrefix),
    clock: { now: () => new Date(Date.now() + aheadMs) },
  };
  const audit = { audit: createAuditTable(clients.executions), clock: parts.clock };
  return { ...wireOncall(config, clients, parts, () => h.rt.url).timerDeps(quiet), audit };
}

const record = async (execId: string): Promise<Json> => (await call('GET', `${h.rt.url}/api/logs/${execId}`)).body;

describe('Notifier timer', () => {
  it('expires an approval nobody decided, closes its request and pages on-call', async () => {
    const res = await fetch(`${h.rt.url}/api/Trigger?id=gated`, { method: 'POST' });
    const { execId, links } = (await res.json()) as { execId: string; links: { approve: string } };
    expect(await expireApprovals(timerDeps(0))).toBe(0);
    expect(await expireApprovals(timerDeps(61 * 60_000))).toBe(1);
    const expired = await record(execId);
    expect(expired['status']).toBe('expired');
    await h.og.waitFor(
      (r) => r.path === `/v2/alerts/${encodeURIComponent(`cloudo/approval/${execId}`)}/close?identifierType=alias`,
    );
    const page = await h.og.waitFor(
      (r) => r.path === '/v2/alerts' && String((r.body as Json)['message']).includes('approval expired'),
    );
    expect((page.body as Json)['alias']).toBe('cloudo/ops/gated/none');
    const late = await fetch(links.approve, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name":"alice"}',
    });
    expect([409, 410]).toContain(late.status);
    expect((await record(execId))['status']).toBe('expired');
  });

  /** A failed run whose page Opsgenie refused (503) for as long as the worker tried. */
  async function failedWithPageOwed(): Promise<{ execId: string; owed: Json }> {
    h.og.clear();
    h.og.respondWith(...Array.from({ length: 4 }, () => ({ status: 503 })));
    const res = await fetch(`${h.rt.url}/api/Trigger?id=broken`, { method: 'POST' });
    const { execId } = (await res.json()) as { execId: string };
    await waitForTerminal(h.rt.url, execId);
    let owed: Json | undefined;
    for (let i = 0; i < 100 && owed?.['state'] !== 'failing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      owed = ((await record(execId))['notifications'] as Json[])[0];
    }
    expect(owed).toMatchObject({ state: 'failing' });
    h.og.clear();
    return { execId, owed: owed! };
  }

  it('retries a page the worker could not deliver, once its backoff has passed', async () => {
    const { execId, owed } = await failedWithPageOwed();
    // Still inside its backoff: nothing is sent.
    expect(await retryNotifications(timerDeps(0))).toBe(0);
    expect(h.og.requests).toHaveLength(0);
    expect(await retryNotifications(timerDeps(10 * 60_000))).toBeGreaterThanOrEqual(1);
    const sent = ((await record(execId))['notifications'] as Json[])[0];
    // The runtime's own Notifier may retry the same page in the same minute: delivery is at least once (Opsgenie
    // de-duplicates by alias), so one or two attempts land, never more.
    expect(sent).toMatchObject({ state: 'sent' });
    expect(Number(sent?.['attempts']) - Number(owed['attempts'])).toBeGreaterThanOrEqual(1);
    const posted = h.og.requests.filter((r) => r.path === '/v2/alerts' && r.status === 202);
    expect(posted.length).toBeGreaterThanOrEqual(1);
    expect(posted.length).toBeLessThanOrEqual(2);
  });

  it('drops a late page once a later run of the same mapping has closed the alert', async () => {
    const { execId } = await failedWithPageOwed();
    const pages = createPageStateTable(
      createStorageClients(h.rt.runtime.connectionString, h.rt.runtime.config).executions,
    );
    await pages.markClosed('cloudo/ops/broken/none', newExecId(new Date(Date.now() + 1000)), new Date());
    await retryNotifications(timerDeps(10 * 60_000));
    const dropped = ((await record(execId))['notifications'] as Json[])[0];
    expect(dropped).toMatchObject({ state: 'failed', lastError: expect.stringContaining('superseded') });
    expect(h.og.requests.filter((r) => r.path === '/v2/alerts')).toHaveLength(0);
  });
});
