// Page content: limits, output tails, surrogate-safe cuts, priorities, aliases and tags of what ClouDO sends.
import { describe, expect, it } from 'vitest';
import type { AlertContext } from '../../../src/domain/alerts/alert';
import { NO_RESOURCE } from '../../../src/domain/alerts/alert-fields';
import { newExecution, type Execution } from '../../../src/domain/runs/execution';
import {
  buildApprovalAlert,
  toApprovalAlias,
  buildFailureAlert,
  pageAlias,
  choosePriority,
} from '../../../src/domain/oncall/page-alert';
import { formatChatText, closeNote } from '../../../src/domain/oncall/page-text';
import type { PagingOptions } from '../../../src/domain/oncall/paging';
import { sampleAlert, sampleMapping } from '../../support/fixtures';

const NOW = new Date('2025-01-02T03:04:05Z');
const LINKS = { execution: 'https://cloudo.example.com/api/logs/x1' };
const RESOURCE_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod';

// Fields set to undefined are taken away from the base run.
type Fields = { readonly [K in keyof Execution]?: Execution[K] | undefined };

function execution(fields: Fields = {}, paging: PagingOptions = { tags: [], responders: [] }): Execution {
  const mapping = sampleMapping({ partition: 'sre', id: 'restart-pod', runbook: 'restart_pod.sh', paging });
  const base = newExecution({ execId: 'x1', mapping, trigger: 'azure-monitor', now: NOW, defaultTimeoutSeconds: 60 });
  return { ...base, status: 'failed', exitCode: 3, ...fields } as Execution;
}

const onResource = (id: string, more: Partial<AlertContext> = {}): AlertContext =>
  sampleAlert({ resource: { ...NO_RESOURCE, id, name: id.split('/').at(-1) ?? null }, ...more });

const hasLoneSurrogate = (s: string) =>
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('failureAlert', () => {
  it('says which runbook failed where, with the details on-call needs', () => {
    const e = execution({
      alert: onResource(RESOURCE_ID, { rule: 'pod-crashloop', severity: 'Sev1' }),
      output: 'boom',
    });
    const a = buildFailureAlert(e, LINKS);
    expect(a.message).toBe('ClouDO: restart_pod.sh failed on aks-prod (sre/restart-pod)');
    expect(a).toMatchObject({ alias: pageAlias(e), priority: 'P2', source: 'ClouDO', entity: RESOURCE_ID });
    expect(a.details).toEqual({
      execId: 'x1',
      link: LINKS.execution,
      mapping: 'sre/restart-pod',
      runbook: 'restart_pod.sh',
      exitCode: '3',
      status: 'failed',
      resource: RESOURCE_ID,
      trigger: 'azure-monitor',
      rule: 'pod-crashloop',
    });
    expect(a.description).toContain('Severity: Sev1');
    expect(a.description).toContain(`Resource: ${RESOURCE_ID}`);
    expect(a.description).toMatch(/Output:\nboom$/);
    expect(a.responders).toBeUndefined();
  });

  it('bounds every field whatever the sender and the runbook wrote, keeping the end of the output', () => {
    const huge = 'r'.repeat(20_000);
    const output = `${'😀'.repeat(20_000)}THE-END`;
    const e = execution({ alert: onResource(`/x/${huge}`, { rule: huge, severity: huge }), output, error: huge });
    const a = buildFailureAlert(e, LINKS);
    expect(a.message.length).toBeLessThanOrEqual(130);
    expect(a.alias.length).toBeLessThanOrEqual(512);
    expect(a.entity!.length).toBeLessThanOrEqual(512);
    expect(a.description.length).toBeLessThanOrEqual(15_000);
    expect(a.description.endsWith('THE-END')).toBe(true);
    expect(a.description).toContain('only the end of');
    for (const v of Object.values(a.details)) expect(v.length).toBeLessThanOrEqual(1000);
    const total = Object.entries(a.details).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(total).toBeLessThanOrEqual(8000);
    expect(JSON.stringify(a).length).toBeLessThan(30_000);
  });

  it('never splits a surrogate pair when cutting', () => {
    for (let shift = 0; shift < 3; shift++) {
      const odd = 'a'.repeat(shift);
      const e = execution({
        runbook: `${odd}${'😀'.repeat(100)}.sh`,
        alert: onResource(`/x/${odd}${'😀'.repeat(600)}`, { rule: `${odd}${'😀'.repeat(900)}` }),
        output: `${odd}${'😀'.repeat(10_000)}`,
      });
      const a = buildFailureAlert(e, LINKS);
      for (const s of [
        a.message,
        a.description,
        a.entity!,
        ...Object.values(a.details),
        formatChatText(e, 'failure', LINKS),
      ])
        expect(hasLoneSurrogate(s)).toBe(false);
    }
  });

  it('explains a throttled run with its budget and the runs that spent it', () => {
    const recent = [
      { execId: 'e-1', usedAt: '2025-01-02T03:00:00.000Z' },
      { execId: 'e-2', usedAt: '2025-01-02T03:01:00.000Z' },
    ];
    const budget = { count: 2, windowSeconds: 3600, per: 'mapping' as const, recent };
    const a = buildFailureAlert(execution({ status: 'throttled', exitCode: undefined, budget }), LINKS);
    expect(a.message).toBe('ClouDO: budget spent, restart_pod.sh not run (sre/restart-pod)');
    expect(a.description).toContain('Budget: 2 runs per 3600s per mapping');
    expect(a.description).toContain('- e-1 at 2025-01-02T03:00:00.000Z');
    expect(a.description).toContain('e-2');
    expect(a.details['exitCode']).toBe('');
    expect(a.tags).toEqual(['cloudo', 'throttled']);
    expect(a.entity).toBe('sre/restart-pod');
  });

  it('pages an expired approval', () => {
    const a = buildFailureAlert(execution({ status: 'expired', alert: onResource(RESOURCE_ID) }), LINKS);
    expect(a.message).toBe('ClouDO: approval expired, restart_pod.sh not run on aks-prod (sre/restart-pod)');
  });

  it('bounds and dedupes tags, and passes responders', () => {
    const tags = ['db', 'failed', 'cloudo', 'x'.repeat(80), ...Array.from({ length: 30 }, (_, i) => `t${i}`)];
    const responders = [{ type: 'team' as const, name: 'sre' }];
    const a = buildFailureAlert(execution({}, { tags, responders }), LINKS);
    expect(a.tags.slice(0, 4)).toEqual(['cloudo', 'failed', 'db', 'x'.repeat(50)]);
    expect(a.tags).toHaveLength(20);
    expect(new Set(a.tags).size).toBe(20);
    expect(a.responders).toEqual(responders);
  });
});

describe('priorityFor', () => {
  const withSeverity = (severity: string | null, paging?: PagingOptions) =>
    choosePriority(execution({ alert: sampleAlert({ severity }) }, paging));
  it.each([
    ['Sev0', 'P1'],
    ['sev1', 'P2'],
    ['SEV2', 'P3'],
    ['Sev3', 'P4'],
    ['Sev4', 'P5'],
    ['critical', 'P1'],
    ['error', 'P2'],
    ['High', 'P2'],
    ['warning', 'P3'],
    ['info', 'P5'],
    ['constructor', 'P3'],
    [null, 'P3'],
  ])('maps severity %s to %s', (severity, priority) => expect(withSeverity(severity)).toBe(priority));

  it('lets the mapping override the severity', () => {
    expect(withSeverity('Sev0', { priority: 'P4', tags: [], responders: [] })).toBe('P4');
    expect(choosePriority(execution({}, { priority: 'P2', tags: [], responders: [] }))).toBe('P2');
  });
});

describe('aliases', () => {
  it('is one alias per mapping and target resource, equal for the same target in any case', () => {
    const a = pageAlias(execution({ alert: onResource(RESOURCE_ID) }));
    expect(a).toMatch(/^cloudo\/sre\/restart-pod\/[0-9a-f]{16}$/);
    expect(pageAlias(execution({ execId: 'x2', alert: onResource(RESOURCE_ID.toUpperCase()) }))).toBe(a);
    expect(pageAlias(execution({ alert: onResource(`${RESOURCE_ID}-2`) }))).not.toBe(a);
    expect(pageAlias(execution({ mappingId: 'other', alert: onResource(RESOURCE_ID) }))).not.toBe(a);
    expect(pageAlias(execution())).toBe('cloudo/sre/restart-pod/none');
    expect(pageAlias(execution({ mappingId: 'm'.repeat(600) })).length).toBeLessThanOrEqual(512);
    expect(toApprovalAlias('x1')).toBe('cloudo/approval/x1');
  });
});

describe('approval request, close notes and chat', () => {
  const approval = { expiresAt: '2025-01-02T04:04:05.000Z', because: 'mapping' as const, fourEyes: true };
  const links = { ...LINKS, approve: 'https://c.example/approve?sig=a&x=1', reject: 'https://c.example/reject?sig=r' };
  const pending = execution({
    status: 'pending_approval',
    exitCode: undefined,
    approval,
    alert: onResource(RESOURCE_ID),
  });

  it('asks on-call to approve, with both links and their expiry', () => {
    const a = buildApprovalAlert(pending, links);
    expect(a.message).toBe('ClouDO: approve restart_pod.sh on aks-prod?');
    expect(a.alias).toBe('cloudo/approval/x1');
    expect(a.tags).toContain('approval');
    expect(a.description).toContain(links.approve);
    expect(a.description).toContain(links.reject);
    expect(a.description).toContain(approval.expiresAt);
    expect(a.details).toMatchObject({ approve: links.approve, reject: links.reject, execId: 'x1' });
    const chat = formatChatText(pending, 'approval', links);
    expect(chat).toContain(links.approve);
    expect(chat).toContain(links.reject);
  });

  it('notes why an alert was closed', () => {
    expect(closeNote(execution({ status: 'succeeded' }), 'recovered')).toEqual({
      source: 'ClouDO',
      note: 'Closed by ClouDO: execution x1 of sre/restart-pod succeeded.',
    });
    const decided = { ...approval, decidedBy: 'alice' };
    expect(closeNote({ ...pending, status: 'queued', approval: decided }, 'decided').note).toContain(
      'approved by alice',
    );
    expect(closeNote({ ...pending, status: 'rejected', approval: decided }, 'decided').note).toContain('rejected');
    expect(closeNote({ ...pending, status: 'expired' }, 'decided').note).toContain('expired');
  });

  it('keeps chat text short, with the link and the end of the output', () => {
    const e = execution({ output: `${'x'.repeat(10_000)}LAST`, alert: onResource(RESOURCE_ID) });
    const text = formatChatText(e, 'failure', LINKS);
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toContain('restart_pod.sh failed on aks-prod');
    expect(text).toContain(LINKS.execution);
    expect(text.endsWith('LAST')).toBe(true);
    expect(formatChatText(execution({ status: 'throttled' }), 'throttled', LINKS)).toContain('budget spent');
  });
});
