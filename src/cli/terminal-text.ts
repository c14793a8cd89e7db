// Text from senders and sign-ins on the operator's terminal: one line, no escape sequences or control characters.

export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return flat.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').trim();
}
