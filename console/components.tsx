// Pieces every page uses: status badges, loading and error states, confirmations, collapsible JSON.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { showControls, statusLabel, statusTone } from './format';
import type { Status } from './types';

const SYMBOLS = { ok: '✓', bad: '✗', live: '▶', wait: '…', off: '–' } as const;

/** Colour, symbol and words: readable without colour. */
export function StatusBadge({ status }: { status: Status }) {
  const tone = statusTone(status);
  return (
    <span class={`badge badge-${tone}`} data-status={status}>
      <span aria-hidden="true">{SYMBOLS[tone]}</span> {statusLabel(status)}
    </span>
  );
}

/** What went wrong, in the API's words, naming the field when it did. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  const field = error instanceof ApiError && error.field ? ` (${error.field})` : '';
  return (
    <p class="error" role="alert">
      {text}
      {field}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

type Async<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => void };

/** Loads `load()` now, again when `deps` change, and every `refreshMs` while `keepRefreshing` says so. */
export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  refresh?: { ms: number; while: (data: T | undefined) => boolean },
): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const aborter = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(aborter.signal).then(
      (data) => !aborter.signal.aborted && setState({ data, error: undefined, loading: false }),
      (error: unknown) => !aborter.signal.aborted && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => aborter.abort();
  }, [...deps, tick]);
  const again = refresh && !state.loading && refresh.while(state.data);
  useEffect(() => {
    if (!again) return;
    const timer = setTimeout(() => setTick((t) => t + 1), refresh.ms);
    return () => clearTimeout(timer);
  }, [again, state]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

type ConfirmProps = {
  label: string;
  title: string;
  children?: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: (reason: string) => Promise<void>;
  /** Asks for a reason (recorded with the action). */
  reason?: boolean;
};

/** A button that asks before acting, in a modal dialog; Escape or Cancel backs out. */
export function ConfirmButton(props: ConfirmProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [reason, setReason] = useState('');
  const open = () => {
    setError(undefined);
    dialog.current?.showModal();
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await props.onConfirm(reason.trim());
      dialog.current?.close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class={props.danger ? 'danger' : 'primary'} onClick={open}>
        {props.label}
      </button>
      <dialog ref={dialog} aria-label={props.title}>
        <form method="dialog" onSubmit={confirm}>
          <h2>{props.title}</h2>
          {props.children}
          {props.reason && (
            <label>
              Reason (optional, recorded)
              <input value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
          )}
          <ErrorNote error={error} />
          <div class="actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              Back
            </button>
            <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={busy}>
              {props.confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

/** JSON as text, folded away until asked for. */
export function JsonDetails({ summary, value, open }: { summary: string; value: unknown; open?: boolean }) {
  return (
    <details open={open ?? false}>
      <summary>{summary}</summary>
      <pre class="json">{showControls(JSON.stringify(value, null, 2))}</pre>
    </details>
  );
}

/** Label/value rows. */
export function Fields({ rows }: { rows: readonly [string, ComponentChildren][] }) {
  return (
    <dl class="fields">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'string' ? showControls(v) : (v ?? '—')}</dd>
        </div>
      ))}
    </dl>
  );
}
