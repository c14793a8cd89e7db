// Executions: newest first, filtered by status, mapping, trigger and time, paged, refreshing while runs are active.
import { useState } from 'preact/hooks';
import { getJson, query } from '../api';
import { ErrorNote, Loading, StatusBadge, useAsync } from '../components';
import { formatDuration, formatInstant, formatRelative, isActive } from '../format';
import { href, navigate } from '../router';
import { STATUSES, TRIGGERS, type Execution, type Page } from '../types';

const FILTERS = ['status', 'mapping', 'trigger', 'since', 'until'] as const;
const PAGE_SIZE = 25;

export function ExecutionsPage({ filter }: { filter: URLSearchParams }) {
  const values = Object.fromEntries(FILTERS.map((k) => [k, filter.get(k) ?? '']));
  const [pages, setPages] = useState<string[]>([]);
  const continuation = pages[pages.length - 1];
  const key = `${filter.toString()}|${continuation ?? ''}`;
  const list = useAsync(
    (signal) => getJson<Page<Execution>>(`logs${query({ ...values, limit: PAGE_SIZE, continuation })}`, signal),
    [key],
    // Only the first page moves: new runs arrive at its top.
    { ms: 3000, while: (page) => !continuation && (page?.items ?? []).some((e) => isActive(e.status)) },
  );
  const apply = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next = Object.fromEntries(
      FILTERS.map((k) => [k, toQueryValue(k, String(form.get(k) ?? ''))]).filter(([, v]) => v),
    );
    setPages([]);
    navigate(href.runs(next));
  };
  return (
    <section>
      <h1>Executions</h1>
      <form class="filters" aria-label="Filter executions" onSubmit={apply} key={filter.toString()}>
        <label>
          Status
          <select name="status" defaultValue={values['status']}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Mapping id
          <input name="mapping" defaultValue={values['mapping']} />
        </label>
        <label>
          Trigger
          <select name="trigger" defaultValue={values['trigger']}>
            <option value="">any</option>
            {TRIGGERS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Since
          <input name="since" type="datetime-local" defaultValue={toLocalInput(values['since'])} />
        </label>
        <label>
          Until
          <input name="until" type="datetime-local" defaultValue={toLocalInput(values['until'])} />
        </label>
        <button type="submit">Apply</button>
      </form>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <Loading what="executions" />}
      {list.data &&
        (list.data.items.length === 0 && list.data.continuation ? (
          // Storage may answer a page empty and still have runs further on: the pager goes on to them.
          <p class="muted">None on this page; older ones may follow.</p>
        ) : (
          <ExecutionTable items={list.data.items} />
        ))}
      <nav class="pager" aria-label="Older and newer">
        <button type="button" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
          ← Newer
        </button>
        <button
          type="button"
          disabled={!list.data?.continuation}
          onClick={() => list.data?.continuation && setPages([...pages, list.data.continuation])}
        >
          Older →
        </button>
      </nav>
    </section>
  );
}

export function ExecutionTable({ items }: { items: readonly Execution[] }) {
  if (items.length === 0) return <p class="muted">No executions.</p>;
  return (
    <div class="table-wrap">
      <table class="runs">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Mapping</th>
            <th scope="col">Trigger</th>
            <th scope="col">Requested</th>
            <th scope="col">Duration</th>
            <th scope="col">Execution</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.execId} data-exec={e.execId}>
              <td>
                {/* The status is the row's link too: on a phone the id column is off screen. */}
                <a href={href.run(e.execId)} aria-label={`${e.status} ${e.execId}`}>
                  <StatusBadge status={e.status} />
                </a>
              </td>
              <td>{e.mapping.name || e.mapping.id}</td>
              <td>{e.trigger}</td>
              <td title={formatInstant(e.requestedAt)}>{formatRelative(e.requestedAt)}</td>
              <td>
                {e.status === 'running' && e.startedAt
                  ? `${formatRelative(e.startedAt).replace(' ago', '')}…`
                  : formatDuration(e.durationMs)}
              </td>
              <td>
                <a href={href.run(e.execId)}>
                  <code>{e.execId}</code>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// The form speaks local time; the API speaks ISO-8601 UTC.
function toQueryValue(name: string, value: string): string {
  if ((name === 'since' || name === 'until') && value) return new Date(value).toISOString();
  return value.trim();
}

function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
