// Mappings: every runbook ClouDO knows and what starts it, searchable and filterable.
import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { ErrorNote, Loading, StatusBadge, useAsync } from '../components';
import { formatRelative, showControls } from '../format';
import { href } from '../router';
import type { MappingView, Page } from '../types';

type Filter = { text: string; partition: string; trigger: string; oncall: boolean; approval: boolean };

export function MappingsPage() {
  const mappings = useAsync((signal) => getJson<Page<MappingView>>('mappings', signal), []);
  const [filter, setFilter] = useState<Filter>({
    text: '',
    partition: '',
    trigger: '',
    oncall: false,
    approval: false,
  });
  const items = mappings.data?.items ?? [];
  const partitions = [...new Set(items.map((m) => m.mapping.partition_key))].sort();
  const shown = items.filter((m) => matches(m, filter));
  const set = (patch: Partial<Filter>) => setFilter({ ...filter, ...patch });
  return (
    <section>
      <h1>Mappings</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            name="q"
            placeholder="id, name, runbook, rule…"
            value={filter.text}
            onInput={(e) => set({ text: e.currentTarget.value })}
          />
        </label>
        <label>
          Partition
          <select value={filter.partition} onChange={(e) => set({ partition: e.currentTarget.value })}>
            <option value="">any</option>
            {partitions.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Trigger
          <select name="trigger" value={filter.trigger} onChange={(e) => set({ trigger: e.currentTarget.value })}>
            <option value="">any</option>
            <option value="manual">manual</option>
            <option value="alert">alert match</option>
            <option value="schedule">schedule</option>
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={filter.oncall} onChange={(e) => set({ oncall: e.currentTarget.checked })} />
          on-call
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={filter.approval}
            onChange={(e) => set({ approval: e.currentTarget.checked })}
          />
          needs approval
        </label>
      </form>
      <ErrorNote error={mappings.error} />
      {mappings.loading && !mappings.data && <Loading what="mappings" />}
      {mappings.data && (
        <p class="muted" aria-live="polite">
          {shown.length} of {items.length} mappings
        </p>
      )}
      <ul class="mapping-list">
        {shown.map((m) => (
          <MappingRow key={`${m.mapping.partition_key}/${m.mapping.id}`} m={m} />
        ))}
      </ul>
    </section>
  );
}

function MappingRow({ m }: { m: MappingView }) {
  const { partition_key: partition, id, name } = m.mapping;
  return (
    <li class="mapping" data-mapping={`${partition}/${id}`}>
      <div class="mapping-head">
        <a href={href.mapping(partition, id)}>
          <strong>{showControls(name || id)}</strong>
        </a>{' '}
        <span class="muted">
          {partition}/{id}
        </span>
        {!m.enabled && <span class="tag">disabled</span>}
        {m.triggers.map((t) => (
          <span key={t} class="tag">
            {t}
          </span>
        ))}
        {Boolean(m.oncall) && <span class="tag">on-call</span>}
        {Boolean(m.approval) && <span class="tag">approval</span>}
      </div>
      <div class="muted">
        <code>{m.runbook}</code>
        {m.description ? ` — ${showControls(m.description)}` : ''}
      </div>
      {m.match.length > 0 && <div class="small">Matches: {m.match.join('; ')}</div>}
      {m.schedule && (
        <div class="small">
          Schedule <code>{m.schedule.cron}</code>
          {m.schedule.next[0] ? `, next ${formatRelative(m.schedule.next[0])}` : ''}
        </div>
      )}
      {m.lastRun && (
        <div class="small">
          Last run <a href={href.run(m.lastRun.execId)}>{formatRelative(m.lastRun.requestedAt)}</a>{' '}
          <StatusBadge status={m.lastRun.status} />
        </div>
      )}
    </li>
  );
}

function matches(m: MappingView, f: Filter): boolean {
  if (f.partition && m.mapping.partition_key !== f.partition) return false;
  if (f.trigger && !(m.triggers as readonly string[]).includes(f.trigger)) return false;
  if (f.oncall && !m.oncall) return false;
  if (f.approval && !m.approval) return false;
  const text = f.text.trim().toLowerCase();
  if (!text) return true;
  const hay = [m.mapping.partition_key, m.mapping.id, m.mapping.name, m.runbook, m.description, ...m.match];
  return hay.some((s) => typeof s === 'string' && s.toLowerCase().includes(text));
}
