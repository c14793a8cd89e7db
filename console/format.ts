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
