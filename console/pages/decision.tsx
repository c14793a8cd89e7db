// Approve and reject buttons: each asks first, then posts to the run's signed link as the signed-in approver.
import { getJson, postJson } from '../api';
import { ConfirmButton } from '../components';
import { useSession } from '../session';
import type { Execution } from '../types';

type Props = { e: Execution; onDecided: () => void };

export function DecisionButtons({ e, onDecided }: Props) {
  const me = useSession();
  if (!me.rights.approve || e.status !== 'pending_approval') return null;
  const decide = (action: 'approve' | 'reject') => async () => {
    // The links are read when pressed: they are signed per run and expire.
    const detail = await getJson<Execution>(e.links.self);
    const link = detail.links[action];
    if (!link) throw new Error(`Execution ${e.execId} has no ${action} link: it is ${detail.status} now.`);
    await postJson(link, { name: me.name });
    onDecided();
  };
  const what = `${e.mapping.name || e.mapping.id} (${e.runbook})`;
  return (
    <span class="decision">
      <ConfirmButton
        label="Approve"
        title="Approve this run?"
        confirmLabel="Approve and run"
        onConfirm={decide('approve')}
      >
        <p>
          {what} will run as soon as a worker takes it{e.approval?.fourEyes ? '; you may not approve your own run' : ''}
          .
        </p>
      </ConfirmButton>
      <ConfirmButton label="Reject" title="Reject this run?" confirmLabel="Reject" danger onConfirm={decide('reject')}>
        <p>{what} will not run.</p>
      </ConfirmButton>
    </span>
  );
}
