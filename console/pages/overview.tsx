// Overview: the last day at a glance, what waits for people, and whether ClouDO itself is healthy.
import { getJson } from '../api';
import { ErrorNote, Loading, StatusBadge, useAsync } from '../components';
import { formatRelative, statusTone } from '../format';
import { href } from '../router';
import { STATUSES, type Overview } from '../types';

const REFRESH_MS = 10_000;

export function OverviewPage() {
  const overview = useAsync((signal) => getJson<Overview>('overview?hours=24', signal), [], {
    ms: REFRESH_MS,
    while: () => true,
  });
  const o = overview.data;
  return (
    <section>
      <h1>Overview</h1>
      <ErrorNote error={overview.error} />
      {!o ? (
        <Loading what="the overview" />
      ) : (
        <>
          <div class="cards">
            <Card
              label="Runs, last 24 h"
              value={o.runs.total}
              note={o.runs.capped ? 'at least' : ''}
              to={href.runs()}
            />
            <Card
              label="Failure rate"
              value={`${Math.round(o.runs.failureRate * 1000) / 10} %`}
              warn={o.runs.failureRate > 0.2}
              to={href.runs({ status: 'failed' })}
            />
            <Card
              label="Waiting for approval"
              value={o.waitingApproval}
              warn={o.waitingApproval > 0}
              to={href.approvals()}
            />
            <Card
              label="Throttled"
              value={o.throttled}
              warn={o.throttled > 0}
              to={href.runs({ status: 'throttled' })}
            />
            <Card label="Skipped" value={o.skipped} to={href.runs({ status: 'skipped' })} />
            <Card label="Stuck" value={o.stuck} warn={o.stuck > 0} to={href.runs({ status: 'running' })} />
            <Card label="Poisoned messages" value={o.poisonMessages.total} warn={o.poisonMessages.total > 0} />
            <Card label="Unmatched alerts" value={o.unmatchedAlerts} to={href.unmatched()} />
          </div>
          <h2>Runs by status</h2>
          <table class="counts" aria-label="Runs by status, last 24 hours">
            <tbody>
              {STATUSES.filter((s) => (o.runs.byStatus[s] ?? 0) > 0).map((s) => (
                <tr key={s} data-status={s}>
                  <td>
                    <a href={href.runs({ status: s })}>
                      <StatusBadge status={s} />
                    </a>
                  </td>
                  <td class="num">{o.runs.byStatus[s]}</td>
                  <td class="bar-cell" aria-hidden="true">
                    <span
                      class={`bar bar-${statusTone(s)}`}
                      style={{ width: `${(100 * (o.runs.byStatus[s] ?? 0)) / Math.max(1, o.runs.total)}%` }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {o.runs.total === 0 && <p class="muted">No runs in the last 24 hours.</p>}
          <h2>Health</h2>
          <ul class="health">
            <Health label="Tables" state={o.health.tables} />
            <Health label="Queues" state={o.health.queues} />
            <li data-health="oncall">
              On-call delivery:{' '}
              {o.oncall.failing > 0 || o.oncall.owed > 0 ? (
                <strong class="warn">
                  {o.oncall.owed} page(s) owed, {o.oncall.failing} failing
                  {o.oncall.oldestOwedAt ? `, oldest ${formatRelative(o.oncall.oldestOwedAt)}` : ''}
                </strong>
              ) : (
                <span>✓ nothing owed</span>
              )}
            </li>
            {o.poisonMessages.queues
              .filter((q) => q.count > 0)
              .map((q) => (
                <li key={q.name}>
                  <strong class="warn">
                    {q.count} message(s) in {q.name}
                  </strong>{' '}
                  (<code>npx cloudo intake replay</code>)
                </li>
              ))}
          </ul>
          <p class="muted">Since {new Date(o.since).toLocaleString()}; refreshes every 10 s.</p>
        </>
      )}
    </section>
  );
}

function Card(props: { label: string; value: number | string; note?: string; warn?: boolean; to?: string }) {
  const body = (
    <>
      <span class="card-value">
        {props.note ? `${props.note} ` : ''}
        {props.value}
      </span>
      <span class="card-label">{props.label}</span>
    </>
  );
  const cls = `card${props.warn ? ' card-warn' : ''}`;
  return props.to ? (
    <a class={cls} href={props.to} data-card={props.label}>
      {body}
    </a>
  ) : (
    <div class={cls} data-card={props.label}>
      {body}
    </div>
  );
}

function Health({ label, state }: { label: string; state: string }) {
  return (
    <li data-health={label.toLowerCase()}>
      {label}: {state === 'ok' ? <span>✓ ok</span> : <strong class="warn">✗ {state}</strong>}
    </li>
  );
}
