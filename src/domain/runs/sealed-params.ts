// Sealed secret parameters: AES-256-GCM under a key derived from ClouDO's secret, bound to one execution.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// A key of its own, derived from the signing secret: an approval link's MAC key never encrypts anything.
const INFO = 'cloudo/secret-run-parameters/v1';
const VERSION = 'v1';

function deriveKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'cloudo', INFO, 32));
}

/** The secret values, sealed so that only a holder of `secret` can open them, and only for this execId. */
export function sealParams(values: Readonly<Record<string, string>>, secret: string, execId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret), iv);
  // The execution id is authenticated: a sealed value copied onto another record does not open there.
  cipher.setAAD(Buffer.from(execId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

/** The values sealed by sealParams, or null when they cannot be opened (another key, another execution, tampered). */
export function openParams(sealed: string, secret: string, execId: string): Record<string, string> | null {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(secret), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(execId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return null;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return null;
  }
}
