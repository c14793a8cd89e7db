// One mapping: what starts it, its parameters, schedule, budget and concurrency now, its last runs, and the run form.
import { getJson, query } from '../api';
import { ErrorNote, Fields, Loading, useAsync } from '../components';
import { formatDuration, formatInstant, formatRelative, showControls } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import type { Execution, MappingDetail, MappingView, Page } from '../types';
import { ExecutionTable } from './executions';
import { RunForm } from './run-form';

export function MappingPage({ partition, id }: { partition: string; id: string }) {
  const me = useSession();
  const path = `mappings/${encodeURIComponent(partition)}/${encodeURIComponent(id)}`;
  const mapping = useAsync((signal) => getJson<MappingDetail>(path, signal), [path]);
  const runs = useAsync(
    (signal) => getJson<Page<Execution>>(`logs${query({ mapping: id, limit: 10 })}`, signal),
    [id],
    { ms: 3000, while: (page) => (page?.items ?? []).some((e) => ['queued', 'running'].includes(e.status)) },
  );
  const m = mapping.data;
  return (
    <section>
      <p>
        <a href={href.mappings()}>← Mappings</a>
      </p>
      <ErrorNote error={mapping.error} />
      {!m ? (
        !mapping.error && <Loading what="the mapping" />
      ) : (
        <>
          <h1>{showControls(m.mapping.name || m.mapping.id)}</h1>
          <p class="muted">
            {m.mapping.partition_key}/{m.mapping.id} · <code>{m.runbook}</code>
            {m.enabled ? '' : ' · disabled'}
          </p>
          {m.description && <p>{showControls(m.description)}</p>}
          <Fields
            rows={[
              ['Triggers', m.triggers.join(', ')],
              ['Matches', m.match.length ? m.match.join('; ') : 'no alert'],
              ['Schedule', m.schedule ? <Schedule s={m.schedule} /> : 'none'],
              ['On-call', m.oncall ? 'pages when it fails' : 'no'],
              ['Approval', approvalText(m.approval)],
              ['Budget', m.budget ? <Budget b={m.budget} /> : 'none'],
              ['Concurrency', m.concurrency ? <Concurrency c={m.concurrency} /> : 'no limit'],
            ]}
          />
          <h2>Run</h2>
          {me.rights.read ? (
            <RunForm m={m} mayRun={m.may.run} />
          ) : (
            <p class="muted">You may not run or preview this mapping.</p>
          )}
          {!m.may.run && (
            <p class="muted">Running it needs the ClouDO.Operator role{m.may.approve ? '' : ' or access'}.</p>
          )}
        </>
      )}
      <h2>Last runs</h2>
      <ErrorNote error={runs.error} />
      {runs.data && <ExecutionTable items={runs.data.items.filter((e) => e.mapping.partition_key === partition)} />}
      <p>
        <a href={href.runs({ mapping: id })}>All runs of this mapping</a>
      </p>
    </section>
  );
}

function Schedule({ s }: { s: NonNullable<MappingView['schedule']> }) {
  return (
    <>
      <code>{s.cron}</code> {s.timezone ?? 'UTC'}
      {s.next.length > 0 && (
        <ul class="small">
          {s.next.map((n) => (
            <li key={n} title={n}>
              {formatInstant(n)} ({formatRelative(n)})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Concurrency({ c }: { c: NonNullable<MappingDetail['concurrency']> }) {
  return (
    <span data-concurrency>
      {c.limit} at a time per {c.per}, {c.on_busy === 'skip' ? 'skips' : 'queues'} when busy
      {c.running ? ` · now ${c.running.length} running, ${c.waiting ?? 0} waiting` : ''}
    </span>
  );
}

function Budget({ b }: { b: NonNullable<MappingDetail['budget']> }) {
  const use = b.used === undefined || b.used === null ? '' : ` · ${b.used} used, ${b.remaining ?? 0} left`;
  return (
    <span data-budget>
      at most {b.count} unattended run(s) per {formatDuration(b.window * 1000)} per {b.per}
      {use}
    </span>
  );
}

function approvalText(a: MappingView['approval']): string {
  if (!a) return 'not required';
  const when = a.required ? 'always' : 'once its budget is spent';
  return `${when}${a.four_eyes ? ', four eyes' : ''}${a.approvers ? ` (by ${a.approvers.join(', ')})` : ''}`;
}
