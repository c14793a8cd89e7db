// Approvals: the inbox of runs waiting for a human decision, with what, where, who and until when.
import { getJson } from '../api';
import { ErrorNote, Loading, useAsync } from '../components';
import { formatInstant, formatRelative, showControls } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import type { Execution, Page } from '../types';
import { DecisionButtons, useMayDecide } from './decision';

export function ApprovalsPage() {
  const me = useSession();
  const mayDecide = useMayDecide();
  const inbox = useAsync((signal) => getJson<Page<Execution>>('logs?status=pending_approval&limit=100', signal), [], {
    ms: 5000,
    while: () => true,
  });
  const items = inbox.data?.items ?? [];
  return (
    <section>
      <h1>Approvals</h1>
      {!me.rights.approve && <p class="muted">You may see what waits; deciding needs the ClouDO.Approver role.</p>}
      <ErrorNote error={inbox.error} />
      {inbox.loading && !inbox.data && <Loading what="the approval inbox" />}
      {inbox.data && items.length === 0 && <p class="muted">Nothing waits for approval.</p>}
      <ul class="inbox">
        {items.map((e) => (
          <li key={e.execId} class="card-row" data-exec={e.execId}>
            <div>
              <a href={href.run(e.execId)}>
                <strong>{showControls(e.mapping.name || e.mapping.id)}</strong>
              </a>{' '}
              <span class="muted">
                {e.mapping.partition_key}/{e.mapping.id} · <code>{e.runbook}</code>
              </span>
            </div>
            <div class="small">
              {whereOf(e)} · requested by {showControls(e.requestedBy ?? e.trigger)} {formatRelative(e.requestedAt)} ·
              expires <span title={formatInstant(e.approval?.expiresAt)}>{formatRelative(e.approval?.expiresAt)}</span>
              {e.approval?.because === 'budget' ? ' · budget spent' : ''}
              {e.approval?.fourEyes ? ' · four eyes' : ''}
            </div>
            {e.params && (
              <div class="small">
                Parameters:{' '}
                {Object.entries(e.params)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </div>
            )}
            <DecisionButtons e={e} onDecided={inbox.reload} mayDecide={mayDecide} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function whereOf(e: Execution): string {
  const resource = e.alert?.['resourceId'];
  if (typeof resource === 'string') return resource.split('/').slice(-1)[0] ?? resource;
  return e.trigger === 'manual' ? 'manual run' : e.trigger;
}
