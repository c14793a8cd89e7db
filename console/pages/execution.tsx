// One execution: every field, the alert behind it, its output (live while it runs), pages, approval and cancel.
import { getJson, postJson } from '../api';
import { ConfirmButton, ErrorNote, Fields, JsonDetails, Loading, StatusBadge, useAsync } from '../components';
import { formatDuration, formatInstant, isActive, showControls } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import type { Execution } from '../types';
import { DecisionButtons, useMayDecide } from './decision';
import { OutputView } from './output-view';

export function ExecutionPage({ execId }: { execId: string }) {
  const me = useSession();
  const path = `logs/${encodeURIComponent(execId)}`;
  // While it waits (queued, for approval) the record is polled; once running, the output stream says when it ends.
  const run = useAsync((signal) => getJson<Execution>(path, signal), [path], {
    ms: 2000,
    while: (e) => e !== undefined && (e.status === 'queued' || e.status === 'pending_approval'),
  });
  const e = run.data;
  const mayDecide = useMayDecide(e?.status === 'pending_approval');
  if (!e) return run.error ? <ErrorNote error={run.error} /> : <Loading what={`execution ${execId}`} />;
  const cancellable = me.rights.cancel && isActive(e.status) && !e.cancel;
  return (
    <section>
      <p>
        <a href={href.runs()}>← Executions</a>
      </p>
      <h1>
        {showControls(e.mapping.name || e.mapping.id)} <StatusBadge status={e.status} />
      </h1>
      <p class="muted">
        <code>{e.execId}</code>
      </p>
      <ErrorNote error={run.error} />
      <div class="actions">
        {cancellable && (
          <ConfirmButton
            label="Cancel run"
            title="Cancel this run?"
            confirmLabel="Cancel the run"
            danger
            reason
            onConfirm={async (reason) => {
              await postJson(`${path}/cancel`, reason ? { reason } : {});
              run.reload();
            }}
          >
            <p>
              {e.status === 'running'
                ? 'The runbook gets SIGTERM, then SIGKILL after the grace period.'
                : 'It will not run.'}
            </p>
          </ConfirmButton>
        )}
        <DecisionButtons e={e} onDecided={run.reload} mayDecide={mayDecide} />
      </div>
      <Fields rows={rows(e)} />
      {e.alert && <JsonDetails summary="Alert that triggered it" value={e.alert} />}
      {e.params && <JsonDetails summary="Parameters" value={e.params} open />}
      <h2>Output</h2>
      <OutputView execId={e.execId} live={e.status === 'running'} recorded={e.output ?? null} onEnd={run.reload} />
      {e.outputTruncated && <p class="muted">The output was longer than the cap; the middle was left out.</p>}
      <h2>Pages</h2>
      <Notifications e={e} />
      <h2>Approval</h2>
      <Approval e={e} />
    </section>
  );
}

// Only what applies: a run that was never cancelled has no Cancel row.
function rows(e: Execution): [string, preact.ComponentChildren][] {
  const all: [string, preact.ComponentChildren][] = [
    [
      'Mapping',
      <a href={href.mapping(e.mapping.partition_key, e.mapping.id)}>{`${e.mapping.partition_key}/${e.mapping.id}`}</a>,
    ],
    ['Runbook', <code>{e.runbook}</code>],
    ['Trigger', e.trigger],
    ['Requested by', e.requestedBy],
    ['Requested', formatInstant(e.requestedAt)],
    ['Started', formatInstant(e.startedAt)],
    ['Finished', formatInstant(e.finishedAt)],
    ['Duration', formatDuration(e.durationMs)],
    ['Exit code', e.exitCode === null ? (e.signal ?? '—') : String(e.exitCode)],
    ['Timeout', `${e.timeoutSeconds} s`],
    ['Error', e.error],
    ['Waiting', e.waiting ? `${e.waiting.reason} (since ${formatInstant(e.waiting.since)})` : null],
    [
      'Cancel',
      e.cancel
        ? `asked by ${e.cancel.requestedBy} ${formatInstant(e.cancel.requestedAt)}${e.cancel.reason ? `: ${e.cancel.reason}` : ''}`
        : null,
    ],
    ['Scheduled for', e.scheduledFor ? formatInstant(e.scheduledFor) : null],
    ['Runbook SHA-256', e.runbookSha256 ? <code class="hash">{e.runbookSha256}</code> : null],
    ['App version', e.appVersion],
  ];
  return all.filter(([, value]) => value !== null && value !== undefined);
}

function Notifications({ e }: { e: Execution }) {
  if (e.notifications.length === 0) return <p class="muted">No pages sent.</p>;
  return (
    <table class="notifications">
      <thead>
        <tr>
          <th scope="col">Channel</th>
          <th scope="col">What</th>
          <th scope="col">State</th>
          <th scope="col">Attempts</th>
          <th scope="col">Sent</th>
        </tr>
      </thead>
      <tbody>
        {e.notifications.map((n, i) => (
          <tr key={i}>
            <td>{n.channel}</td>
            <td>
              {n.action} {n.kind}
            </td>
            <td>
              {n.state}
              {n.lastError ? ` — ${n.lastError}` : ''}
            </td>
            <td class="num">{n.attempts}</td>
            <td>{formatInstant(n.sentAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Approval({ e }: { e: Execution }) {
  const a = e.approval;
  if (!a) return <p class="muted">No approval was needed.</p>;
  return (
    <Fields
      rows={[
        ['Why', a.because === 'budget' ? 'its remediation budget is spent' : 'the mapping requires it'],
        ['Four eyes', a.fourEyes ? 'yes: the requester may not approve' : 'no'],
        ['Expires', formatInstant(a.expiresAt)],
        ['Decided by', a.decidedBy ? `${a.decidedBy}, ${formatInstant(a.decidedAt)}` : 'not yet'],
      ]}
    />
  );
}
