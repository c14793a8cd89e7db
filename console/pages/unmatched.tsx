// Unmatched alerts: what arrived and no mapping claimed, and a dry run that shows each mapping's verdict on it.
import { useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import { ErrorNote, JsonDetails, Loading, useAsync } from '../components';
import { formatInstant, formatRelative } from '../format';
import type { Page, Unmatched } from '../types';

type Verdict = {
  mapping: { partition_key: string; id: string };
  claimed: boolean;
  wouldRun: boolean;
  reasons: string[];
};
type DryRun = { alerts: { alert: Record<string, unknown>; mappings: Verdict[] }[] };

export function UnmatchedPage() {
  const list = useAsync((signal) => getJson<Page<Unmatched>>('alerts/unmatched?limit=100', signal), []);
  return (
    <section>
      <h1>Unmatched alerts</h1>
      <p class="muted">Alerts that arrived and no mapping claimed, newest first.</p>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <Loading what="unmatched alerts" />}
      {list.data && list.data.items.length === 0 && <p class="muted">Every alert found a mapping.</p>}
      <ul class="inbox">
        {(list.data?.items ?? []).map((a) => (
          <UnmatchedRow key={`${a.alertId}|${a.partition ?? ''}|${a.receivedAt}`} a={a} />
        ))}
      </ul>
    </section>
  );
}

function UnmatchedRow({ a }: { a: Unmatched }) {
  const [result, setResult] = useState<DryRun | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const dryRun = async () => {
    setError(undefined);
    try {
      const link = a.links?.dryRun ?? `alerts/unmatched/${encodeURIComponent(a.key ?? '')}/dry-run`;
      setResult(await postJson<DryRun>(link));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <li class="card-row" data-alert={a.alertId}>
      <div>
        <strong>{a.rule ?? '(no rule name)'}</strong> <span class="tag">{a.source}</span>
        {a.monitorCondition && <span class="tag">{a.monitorCondition}</span>}
        {a.partition && <span class="tag">partition {a.partition}</span>}
      </div>
      <div class="small" title={formatInstant(a.receivedAt)}>
        received {formatRelative(a.receivedAt)} · <code>{a.alertId}</code>
      </div>
      <button type="button" onClick={() => void dryRun()}>
        Dry run this payload
      </button>
      <ErrorNote error={error} />
      {result && <Verdicts result={result} />}
    </li>
  );
}

function Verdicts({ result }: { result: DryRun }) {
  return (
    <div class="preview" data-dry-run>
      {result.alerts.map((entry, i) => (
        <div key={i}>
          {entry.mappings.length === 0 && <p>No mapping could claim it: none is in scope.</p>}
          <ul>
            {entry.mappings.map((v) => (
              <li key={`${v.mapping.partition_key}/${v.mapping.id}`}>
                <strong>
                  {v.mapping.partition_key}/{v.mapping.id}
                </strong>
                : {v.claimed ? 'would claim it' : 'does not match'}
                <ul class="small">
                  {v.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          <JsonDetails summary="The alert as parsed" value={entry.alert} />
        </div>
      ))}
    </div>
  );
}
