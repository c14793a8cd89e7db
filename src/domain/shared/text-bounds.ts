// Text bounds: cutting sender-controlled text to a size without ever splitting a surrogate pair.

/** At most `max` UTF-16 units of `s`, "…" marking a cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return max < 1 ? '' : `${takeHead(s, max - 1)}…`;
}

/** The first `n` UTF-16 units, one fewer if the last would be half a pair. */
export function takeHead(s: string, n: number): string {
  const cut = s.slice(0, Math.max(0, n));
  return isHigh(cut.charCodeAt(cut.length - 1)) ? cut.slice(0, -1) : cut;
}

/** The last `n` UTF-16 units, one fewer if the first would be half a pair. */
export function takeTail(s: string, n: number): string {
  if (n <= 0) return '';
  const cut = s.slice(-n);
  return isLow(cut.charCodeAt(0)) ? cut.slice(1) : cut;
}

/** `top`, then as much of the END of the output as fits: the last lines usually say what went wrong. */
export function withOutputTail(top: string, output: string | undefined, max: number): string {
  const start = clip(top, Math.floor(max / 2));
  if (!output) return start;
  const whole = `${start}\n\nOutput:\n${output}`;
  if (whole.length <= max) return whole;
  const label = `${start}\n\nOutput (cut: only the end of ${output.length} characters is shown):\n…`;
  return label + takeTail(output, max - label.length);
}

export const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
