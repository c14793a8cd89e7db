// How times, durations and statuses read on screen: short, exact on hover, never colour alone.
import type { Status } from './types';

/** "4.2 s", "3 min 10 s", "2 h 5 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "12 s ago", "in 3 min", from an ISO instant. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const diff = Date.parse(iso) - now;
  const ahead = diff > 0;
  const s = Math.round(Math.abs(diff) / 1000);
  const text =
    s < 60 ? `${s} s` : s < 3600 ? `${Math.round(s / 60)} min` : s < 172800 ? `${Math.round(s / 3600)} h` : '';
  if (!text) return new Date(iso).toLocaleDateString();
  return ahead ? `in ${text}` : `${text} ago`;
}

/** The local date and time, for titles and detail fields. */
export function formatInstant(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

const LABELS: Record<Status, string> = {
  pending_approval: 'waiting for approval',
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timed out',
  error: 'error',
  skipped: 'skipped',
  rejected: 'rejected',
  expired: 'expired',
  throttled: 'throttled',
  cancelled: 'cancelled',
};

/** Words for a status, shown beside its colour and symbol. */
export function statusLabel(status: Status): string {
  return LABELS[status] ?? status;
}

/** The family of a status: its colour and symbol. */
export function statusTone(status: Status): 'ok' | 'bad' | 'live' | 'wait' | 'off' {
  if (status === 'succeeded') return 'ok';
  if (status === 'failed' || status === 'timed_out' || status === 'error') return 'bad';
  if (status === 'running') return 'live';
  if (status === 'queued' || status === 'pending_approval') return 'wait';
  return 'off';
}

/** Whether a run may still change on its own (the console keeps refreshing it). */
export function isActive(status: Status): boolean {
  return status === 'queued' || status === 'running' || status === 'pending_approval';
}

// Bidirectional controls reorder what follows them on screen: an output line, a name or a reason could show
// "exe.gnp" as "png.exe", or one person's name as another's. Where they come from runbooks, alerts and people, they are
// shown as their code point instead (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates).
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** `text` with every bidirectional control shown as "⟨U+202E⟩". */
export function showControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase()}⟩`);
}
