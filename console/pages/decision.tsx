// Approve and reject buttons: each asks first, then posts to the run's signed link as the signed-in approver.
import { getJson, postJson } from '../api';
import { ConfirmButton, useAsync } from '../components';
import { useSession } from '../session';
import type { Execution, MappingView, Me, Page } from '../types';

type Props = { e: Execution; onDecided: () => void; mayDecide: MayDecide };

/** Whether the caller may decide on a run of a mapping (its partition and id). */
export type MayDecide = (mapping: Execution['mapping']) => boolean;

/**
 * The approver role is not enough: a mapping's `access.approve` may leave the caller out, which each mapping's `may`
 * says. Until the mappings are read (or for a mapping no longer there) nobody may: a missing button is the lesser harm.
 */
export function useMayDecide(needed = true): MayDecide {
  const me = useSession();
  // Listing the mappings reads each one's last run: only asked when there is something to decide.
  const ask = me.rights.approve && needed;
  const mappings = useAsync(
    (signal) => (ask ? getJson<Page<MappingView>>('mappings', signal) : Promise.resolve(undefined)),
    [ask],
  );
  const allowed = new Set(
    (mappings.data?.items ?? []).filter((m) => m.may.approve).map((m) => key(m.mapping.partition_key, m.mapping.id)),
  );
  return (m) => allowed.has(key(m.partition_key, m.id));
}

const key = (partition: string, id: string): string => JSON.stringify([partition, id]);

export function DecisionButtons({ e, onDecided, mayDecide }: Props) {
  const me = useSession();
  if (!me.rights.approve || e.status !== 'pending_approval' || !mayDecide(e.mapping)) return null;
  const decide = (action: 'approve' | 'reject') => async () => {
    // The links are read when pressed: they are signed per run and expire.
    const detail = await getJson<Execution>(e.links.self);
    const link = detail.links[action];
    if (!link) throw new Error(`Execution ${e.execId} has no ${action} link: it is ${detail.status} now.`);
    await postJson(link, { name: me.name });
    onDecided();
  };
  const what = `${e.mapping.name || e.mapping.id} (${e.runbook})`;
  const blocked = fourEyesBlocks(e, me);
  return (
    <span class="decision">
      {blocked ? (
        <span class="muted" data-four-eyes>
          {blocked}
        </span>
      ) : (
        <ConfirmButton
          label="Approve"
          title="Approve this run?"
          confirmLabel="Approve and run"
          onConfirm={decide('approve')}
        >
          <p>{what} will run as soon as a worker takes it.</p>
        </ConfirmButton>
      )}
      <ConfirmButton label="Reject" title="Reject this run?" confirmLabel="Reject" danger onConfirm={decide('reject')}>
        <p>{what} will not run.</p>
      </ConfirmButton>
    </span>
  );
}

// Four eyes refuses the requester, and any name that is only typed (no sign-in): the button would only be refused.
function fourEyesBlocks(e: Execution, me: Me): string | null {
  if (!e.approval?.fourEyes) return null;
  if (me.auth !== 'easy-auth' && me.auth !== 'principal-header') {
    return 'Four eyes: approving needs sign-in, so that ClouDO knows who approves.';
  }
  return e.requester?.id === me.id ? 'Four eyes: someone else must approve your run.' : null;
}
