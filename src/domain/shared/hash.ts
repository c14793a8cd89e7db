// Hashing: one spelling of SHA-256 hex for keys that must be fixed-length and safe whatever the sender sent.
import { createHash } from 'node:crypto';

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
