// Signed approval links: the HMAC that lets a link approve or reject one run until it expires, and its check.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { approvalPath } from '../shared/api-paths';
import { APPROVAL_ACTIONS, type ApprovalAction } from './approval';

export type VerifyResult =
  | { readonly ok: true; readonly action: ApprovalAction; readonly expiresAt: Date }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'bad_signature' | 'expired';
      readonly field: string;
      readonly message: string;
    };

export type VerifyInput = {
  readonly execId: string;
  readonly action: string;
  readonly exp: string | null;
  readonly sig: string | null;
};

// Bumped when the signed encoding changes, so links signed the old way stop verifying instead of meaning something else.
const VERSION = 'v1';
// HMAC-SHA256 is 32 bytes: 43 base64url characters without padding.
const SIG_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// Up to 12 digits keeps the number exact and the Date valid, whatever the sender wrote.
const EXP_PATTERN = /^[1-9][0-9]{0,11}$/;

export function signApproval(secret: string, execId: string, action: ApprovalAction, expiresAt: Date): string {
  return sign(secret, execId, action, unixSeconds(expiresAt));
}

export function buildApprovalLink(
  publicUrl: string,
  secret: string,
  execId: string,
  action: ApprovalAction,
  expiresAt: Date,
): string {
  const exp = unixSeconds(expiresAt);
  const sig = sign(secret, execId, action, exp);
  return `${publicUrl.replace(/\/+$/, '')}${approvalPath(execId, action)}?exp=${exp}&sig=${sig}`;
}

export function buildApprovalLinks(
  publicUrl: string,
  secret: string,
  execId: string,
  expiresAt: Date,
): { approve: string; reject: string } {
  return {
    approve: buildApprovalLink(publicUrl, secret, execId, 'approve', expiresAt),
    reject: buildApprovalLink(publicUrl, secret, execId, 'reject', expiresAt),
  };
}

export function verifyApproval(secret: string, input: VerifyInput, now: Date): VerifyResult {
  const action = APPROVAL_ACTIONS.find((a) => a === input.action);
  if (!action) return malformed('action', 'The action must be approve or reject.');
  if (input.exp === null || !EXP_PATTERN.test(input.exp)) {
    return malformed('exp', 'The link has no valid expiry (exp must be a positive whole number of seconds).');
  }
  if (input.sig === null || !SIG_PATTERN.test(input.sig)) {
    return malformed('sig', 'The link has no valid signature (sig must be 43 base64url characters).');
  }
  const exp = Number(input.exp);
  // Comparing the canonical strings also refuses other spellings of the same bytes.
  const expected = Buffer.from(sign(secret, input.execId, action, exp), 'ascii');
  const given = Buffer.from(input.sig, 'ascii');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      ok: false,
      reason: 'bad_signature',
      field: 'sig',
      message: 'The link signature does not match: the link was altered, or is for another run or action.',
    };
  }
  // Checked after the signature, so a forged link learns nothing about expiry.
  const expiresAt = new Date(exp * 1000);
  if (now.getTime() >= expiresAt.getTime()) {
    return { ok: false, reason: 'expired', field: 'exp', message: `The link expired at ${expiresAt.toISOString()}.` };
  }
  return { ok: true, action, expiresAt };
}

function sign(secret: string, execId: string, action: ApprovalAction, exp: number): string {
  // An empty key would make every link forgeable; refuse it rather than sign.
  if (secret.length === 0) throw new Error('approval signing secret is empty');
  // A JSON array keeps the fields apart whatever characters the execId holds.
  const payload = JSON.stringify([VERSION, execId, action, exp]);
  return createHmac('sha256', secret).update(payload, 'utf8').digest('base64url');
}

function unixSeconds(d: Date): number {
  const seconds = Math.floor(d.getTime() / 1000);
  // The same bounds verifyApproval accepts, so every link signed here can verify.
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > 999_999_999_999) {
    throw new Error(`approval expiry out of range: ${String(d)}`);
  }
  return seconds;
}

const malformed = (field: string, message: string): VerifyResult => ({
  ok: false,
  reason: 'malformed',
  field,
  message,
});
