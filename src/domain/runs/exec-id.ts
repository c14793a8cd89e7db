// Execution ids: readable, UTC-time-prefixed ids, and the inverted-time row keys that list newest first.
import { randomBytes } from 'node:crypto';

const EXEC_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-([0-9a-f]{8})$/;
const MAX_MS = 9_999_999_999_999;

/** e.g. 20261122T101502123Z-3f9a1c2b: sorts by time, says when it was requested, unique by its random tail. */
export function newExecId(now: Date, suffix: string = randomBytes(4).toString('hex')): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${suffix}`;
}

export function isExecId(value: string): boolean {
  return parseExecId(value) !== null;
}

/** Row key for an execution: inverted milliseconds, so an ascending table scan reads newest first. */
export function execRowKey(execId: string): string {
  const parsed = parseExecId(execId);
  if (!parsed) throw new Error(`not an execution id: ${execId}`);
  return `${invertTime(parsed.time)}-${parsed.suffix}`;
}

export function execIdFromRowKey(rowKey: string): string {
  const [inverted, suffix] = rowKey.split('-');
  return newExecId(new Date(MAX_MS - Number(inverted)), suffix);
}

/** Row-key bounds selecting executions requested within [since, until], both inclusive. */
export function toRowKeyRange(since?: Date, until?: Date): { from?: string; before?: string } {
  return {
    ...(until ? { from: invertTime(until) } : {}),
    // '.' sorts right after '-', so every row key of the `since` millisecond is included.
    ...(since ? { before: `${invertTime(since)}.` } : {}),
  };
}

/** Milliseconds counted down from 2286, so ascending keys list newest first. */
export function invertTime(time: Date): string {
  return String(MAX_MS - time.getTime()).padStart(13, '0');
}

function parseExecId(value: string): { time: Date; suffix: string } | null {
  const m = EXEC_ID.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms, suffix] = m;
  const time = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  if (Number.isNaN(time.getTime()) || suffix === undefined) return null;
  return { time, suffix };
}
