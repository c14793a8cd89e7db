// Wire codecs: strict base64, forgiving JSON, and queue message bodies, for text whose sender ClouDO does not control.

// Like .NET's Convert.FromBase64String, which the Functions host uses: properly padded, nothing else.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The UTF-8 text `text` encodes, whitespace ignored; null when it is not base64. */
export function decodeBase64(text: string): string | null {
  const compact = text.replace(/\s+/g, '');
  return BASE64.test(compact) ? Buffer.from(compact, 'base64').toString('utf8') : null;
}

/** The parsed JSON, or undefined when `text` is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A queue message as the host delivers it: parsed JSON, JSON text, or base64 of JSON (a sender that encoded twice),
 * read as the value it encodes; text that is none of them comes back as it came, for the reader to refuse. */
export function decodeMessageBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  const json = parseJson(body);
  if (json !== undefined) return json;
  const decoded = decodeBase64(body);
  return (decoded === null ? undefined : parseJson(decoded)) ?? body;
}
