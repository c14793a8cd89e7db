// Text codecs: strict base64 and forgiving JSON parsing, for text whose sender ClouDO does not control.

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
