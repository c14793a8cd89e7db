// Run or skip: what ClouDO does with an alert a mapping claimed. One rule for real deliveries and dry runs.
import type { MatchVerdict } from './alert-match';
import type { Mapping } from './mapping';

export type RunDecision = { readonly run: true } | { readonly run: false; readonly reason: string };

export function decideRun(m: Mapping, verdict: MatchVerdict): RunDecision {
  if (!m.enabled) return { run: false, reason: 'mapping is disabled' };
  // Fail closed: until approval gates exist, a mapping that asks for a human "yes" never runs unattended.
  if (m.requireApproval)
    return { run: false, reason: 'mapping requires approval, and this ClouDO has no approval gate yet' };
  if (!verdict.run) return { run: false, reason: verdict.reasons.at(-1) ?? 'run_on does not run this alert' };
  return { run: true };
}

/** Sender-chosen text for one log line: no line breaks or control characters, and bounded. */
export function loggable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a log line
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}
