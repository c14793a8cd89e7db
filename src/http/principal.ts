// Who is calling: the App Service authentication principal header, checked before it is recorded anywhere.

// App Service authentication sets this header and drops any copy a client sends; without it, it is a plain claim.
export const PRINCIPAL_HEADER = 'x-ms-client-principal-name';

type WithHeaders = { readonly headers: { get(name: string): string | null } };

/** `{ requestedBy }` when the request carries a usable principal name, else nothing. */
export function readRequester(request: WithHeaders): { requestedBy?: string } {
  const name = parsePersonName(request.headers.get(PRINCIPAL_HEADER));
  return name ? { requestedBy: name } : {};
}

/** A name as people type it: trimmed, 1-100 characters, no control characters; null otherwise. */
export function parsePersonName(raw: string | null | undefined): string | null {
  const name = raw?.trim() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters would forge log lines and page text
  if (name.length === 0 || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) return null;
  return name;
}
