// Run or skip: whether a mapping may run at all, and what ClouDO does with an alert it claimed. One rule for all.
import type { MatchVerdict } from './alert-match';
import type { Mapping } from '../mappings/mapping';

export type RunDecision = { readonly run: true } | { readonly run: false; readonly reason: string };

export type Refusal = { readonly code: 'disabled'; readonly reason: string };

/** Why a mapping may not run whatever triggered it, or null; `reason` reads after "Mapping <id>" or "mapping". */
export function findRefusal(m: Mapping): Refusal | null {
  if (!m.enabled) return { code: 'disabled', reason: 'is disabled' };
  return null;
}

export function decideRun(m: Mapping, verdict: MatchVerdict): RunDecision {
  const refused = findRefusal(m);
  if (refused) return { run: false, reason: `mapping ${refused.reason}` };
  if (!verdict.run) return { run: false, reason: verdict.reasons.at(-1) ?? 'run_on does not run this alert' };
  return { run: true };
}

/** Sender-chosen text for one log line: no line breaks or control characters, and bounded. */
export function toLoggable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a log line
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}
