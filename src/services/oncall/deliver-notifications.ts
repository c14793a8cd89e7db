// Delivery of an execution's outbox: send what it owes, record each outcome on the record, never throw.
import type { Execution } from '../../domain/runs/execution';
import { recordAttempt, isUndelivered, type DeliveryResult, type Notification } from '../../domain/oncall/notification';
import { buildApprovalAlert, buildFailureAlert } from '../../domain/oncall/page-alert';
import { formatChatText, closeNote } from '../../domain/oncall/page-text';
import type { LinkBuilder, Notifier, PageStateStore } from './ports';
import type { ExecutionStore } from '../runs/ports';
import type { Clock, Logger, Versioned } from '../shared/ports';

export type DeliverDeps = {
  readonly executions: ExecutionStore;
  readonly notifier: Notifier;
  readonly pages: PageStateStore;
  readonly links: LinkBuilder;
  readonly clock: Clock;
  readonly log: Logger;
  /** Removes configured secrets from text that is stored or logged. */
  readonly redact: (text: string) => string;
  /** Per request; a delivery round starts only if it can finish within the caller's deadline. */
  readonly requestTimeoutMs: number;
};

const RETRY_DELAYS_MS = [250, 1000];

/**
 * Sends the owed notifications `pick` selects, retrying quickly while `deadlineMs` allows; what is still owed after
 * that is left, recorded as failing, to the notifier timer.
 */
export async function deliverOwed(
  deps: DeliverDeps,
  written: Versioned<Execution>,
  deadlineMs: number,
  pick: (n: Notification) => boolean = isUndelivered,
): Promise<void> {
  const started = Date.now();
  let current: Versioned<Execution> | null = written;
  for (let round = 0; current; round++) {
    const e: Execution = current.value;
    const owed = (e.notifications ?? []).flatMap((n, i) => (pick(n) && isUndelivered(n) ? [{ n, i }] : []));
    if (owed.length === 0) return;
    const updates = new Map<number, Notification>();
    for (const { n, i } of owed) updates.set(i, await attempt(deps, e, n));
    current = await saveOutcomes(deps, current, updates);
    const delay = RETRY_DELAYS_MS[round];
    const retryable = [...updates.values()].some(isUndelivered);
    if (!retryable || delay === undefined) return;
    if (Date.now() - started + delay + deps.requestTimeoutMs > deadlineMs) return;
    await new Promise((r) => setTimeout(r, delay));
  }
}

async function attempt(deps: DeliverDeps, e: Execution, n: Notification): Promise<Notification> {
  const result = await send(deps, e, n);
  const safe: DeliveryResult = result.ok ? result : { ...result, error: deps.redact(result.error).slice(0, 500) };
  const next = recordAttempt(n, safe, deps.clock.now());
  const what = `${n.channel} ${n.action} (${n.kind}) for ${e.execId}`;
  if (safe.ok) {
    deps.log.info(`notified: ${what}${safe.requestId ? `, requestId ${safe.requestId}` : ''}`);
    await trackPage(deps, e, n);
  } else deps.log.warn(`notification ${next.state}: ${what}: ${safe.error}`);
  return next;
}

function send(deps: DeliverDeps, e: Execution, n: Notification): Promise<DeliveryResult> {
  const approvals = deps.links.approvals(e);
  const links = { execution: deps.links.execution(e.execId), ...(approvals ?? {}) };
  if (n.channel === 'chat') return deps.notifier.postChat(formatChatText(e, n.kind, links));
  if (n.action === 'close') {
    return deps.notifier.closeAlert(
      e.partition,
      n.alias,
      closeNote(e, n.kind === 'recovered' ? 'recovered' : 'decided'),
    );
  }
  if (n.kind === 'approval') {
    // The run was decided before its request went out: a request with dead links helps nobody.
    if (!approvals) return Promise.resolve({ ok: false, retryable: false, error: `no longer pending (${e.status})` });
    return deps.notifier.createAlert(e.partition, buildApprovalAlert(e, { execution: links.execution, ...approvals }));
  }
  return pageFailure(deps, e, n, links);
}

// A page delivered late must not reopen what a later run already fixed; recorded open before it is sent, so a
// success that finishes while it is still owed closes it.
async function pageFailure(deps: DeliverDeps, e: Execution, n: Notification, links: { execution: string }) {
  const state = await deps.pages.read(n.alias).catch(() => null);
  if (state && !state.open && state.execId > e.execId) {
    return { ok: false, retryable: false, error: `superseded: ${state.execId} succeeded later` } as const;
  }
  await deps.pages.markOpen(n.alias, e.execId, deps.clock.now()).catch((err: unknown) => {
    deps.log.warn(`could not record page state of ${e.execId}: ${String(err)}`);
  });
  return deps.notifier.createAlert(e.partition, buildFailureAlert(e, links));
}

// Remember what was closed, so that successes with nothing open send nothing.
async function trackPage(deps: DeliverDeps, e: Execution, n: Notification): Promise<void> {
  if (n.channel !== 'opsgenie' || n.action !== 'close' || n.kind !== 'recovered') return;
  try {
    await deps.pages.markClosed(n.alias, e.execId, deps.clock.now());
  } catch (err) {
    deps.log.warn(`could not record page state of ${e.execId}: ${String(err)}`);
  }
}

/** Writes the outcomes; when another writer changed the record meanwhile, merges them into its version. */
async function saveOutcomes(
  deps: DeliverDeps,
  current: Versioned<Execution>,
  updates: ReadonlyMap<number, Notification>,
): Promise<Versioned<Execution> | null> {
  let base: Versioned<Execution> | null = current;
  for (let i = 0; i < 3 && base; i++) {
    const merged = merge(base.value, updates);
    try {
      const written = await deps.executions.replaceIf(merged, base);
      if (written) return written;
      base = await deps.executions.get(current.value.execId);
    } catch (err) {
      deps.log.warn(`could not record notification state of ${current.value.execId}: ${String(err)}`);
      return null;
    }
  }
  return null;
}

// The outbox only ever grows, so a position names the same notification in every version of the record.
function merge(e: Execution, updates: ReadonlyMap<number, Notification>): Execution {
  const list = [...(e.notifications ?? [])];
  for (const [i, n] of updates) {
    const was = list[i];
    if (was && was.channel === n.channel && was.alias === n.alias && isUndelivered(was)) list[i] = n;
  }
  return { ...e, notifications: list };
}
