// Approval links: a link verifies only for its run, action and expiry, expires on time, and names what is wrong.
import { describe, expect, it } from 'vitest';
import {
  buildApprovalLink,
  buildApprovalLinks,
  signApproval,
  verifyApproval,
  type VerifyInput,
} from '../../../src/domain/approvals/approval-link';
import { approvalPath } from '../../../src/domain/shared/api-paths';

const secret = 'test-secret-of-reasonable-length';
const execId = '20261122T100000000Z-00000001';
const now = new Date('2026-11-22T10:00:00Z');
const expiresAt = new Date('2026-11-22T11:00:00.750Z');
const exp = String(Math.floor(expiresAt.getTime() / 1000));
const sig = signApproval(secret, execId, 'approve', expiresAt);
const valid: VerifyInput = { execId, action: 'approve', exp, sig };

const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

describe('signApproval / verifyApproval', () => {
  it('round-trips: a fresh signature verifies with its action and whole-second expiry', () => {
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const result = verifyApproval(secret, valid, now);
    expect(result).toEqual({ ok: true, action: 'approve', expiresAt: new Date('2026-11-22T11:00:00Z') });
  });

  it('is deterministic and differs per action', () => {
    expect(signApproval(secret, execId, 'approve', expiresAt)).toBe(sig);
    expect(signApproval(secret, execId, 'reject', expiresAt)).not.toBe(sig);
  });

  it.each([
    ['a tampered signature (first char)', { ...valid, sig: flip(sig, 0) }],
    ['a tampered signature (middle char)', { ...valid, sig: flip(sig, 20) }],
    ['the other action', { ...valid, action: 'reject' }],
    ['another execId', { ...valid, execId: '20261122T100000000Z-00000002' }],
    ['a later exp', { ...valid, exp: String(Number(exp) + 3600) }],
    ['an earlier exp', { ...valid, exp: String(Number(exp) - 1) }],
  ])('refuses %s as bad_signature', (_, input) => {
    expect(verifyApproval(secret, input, now)).toMatchObject({ ok: false, reason: 'bad_signature', field: 'sig' });
  });

  it('refuses a signature made with another secret', () => {
    const other = signApproval('another-secret', execId, 'approve', expiresAt);
    expect(verifyApproval(secret, { ...valid, sig: other }, now)).toMatchObject({ reason: 'bad_signature' });
    expect(verifyApproval('another-secret', valid, now)).toMatchObject({ reason: 'bad_signature' });
  });

  it('reports an expired link only when its signature is valid', () => {
    const atExpiry = new Date(Number(exp) * 1000);
    expect(verifyApproval(secret, valid, atExpiry)).toMatchObject({ ok: false, reason: 'expired', field: 'exp' });
    expect(verifyApproval(secret, valid, new Date(atExpiry.getTime() - 1))).toMatchObject({ ok: true });
    const forged = { ...valid, sig: flip(sig, 5) };
    expect(verifyApproval(secret, forged, atExpiry)).toMatchObject({ reason: 'bad_signature' });
  });

  it.each([
    ['action', { ...valid, action: 'delete' }],
    ['action', { ...valid, action: 'Approve' }],
    ['exp', { ...valid, exp: null }],
    ['exp', { ...valid, exp: '' }],
    ['exp', { ...valid, exp: 'tomorrow' }],
    ['exp', { ...valid, exp: '1e12' }],
    ['exp', { ...valid, exp: '-5' }],
    ['exp', { ...valid, exp: '0' }],
    ['exp', { ...valid, exp: `0${exp}` }],
    ['exp', { ...valid, exp: '9'.repeat(13) }],
    ['exp', { ...valid, exp: '9'.repeat(400) }],
    ['sig', { ...valid, sig: null }],
    ['sig', { ...valid, sig: '' }],
    ['sig', { ...valid, sig: `${sig}=` }],
    ['sig', { ...valid, sig: sig.slice(1) }],
    ['sig', { ...valid, sig: `${sig.slice(0, 42)}+` }],
    ['sig', { ...valid, sig: `${sig.slice(0, 42)}/` }],
    ['sig', { ...valid, sig: `${sig.slice(0, 42)}\u00e9` }],
  ])('names %s as malformed', (field, input) => {
    expect(verifyApproval(secret, input, now)).toMatchObject({ ok: false, reason: 'malformed', field });
  });

  it('never puts the secret or the expected signature in its messages', () => {
    const inputs: VerifyInput[] = [
      { ...valid, sig: flip(sig, 3) },
      { ...valid, sig: null },
      { ...valid, exp: 'x' },
      { ...valid, action: 'x' },
    ];
    const late = new Date('2030-01-01T00:00:00Z');
    for (const result of [...inputs.map((i) => verifyApproval(secret, i, now)), verifyApproval(secret, valid, late)]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.message).not.toContain(secret);
      expect(result.message).not.toContain(sig);
    }
  });

  it('refuses to sign with an empty secret', () => {
    expect(() => signApproval('', execId, 'approve', expiresAt)).toThrow(/secret/);
  });
});

describe('approvalLink / approvalLinks', () => {
  it('builds the documented path, encoding the execId', () => {
    expect(approvalPath(execId, 'approve')).toBe(`/api/approvals/${execId}/approve`);
    expect(approvalPath('a/b c?', 'reject')).toBe('/api/approvals/a%2Fb%20c%3F/reject');
  });

  it('builds a link with exp and sig that verifies', () => {
    const link = buildApprovalLink('https://cloudo.example.com/', secret, execId, 'approve', expiresAt);
    expect(link).toBe(`https://cloudo.example.com/api/approvals/${execId}/approve?exp=${exp}&sig=${sig}`);
    const url = new URL(link);
    const input = { execId, action: 'approve', exp: url.searchParams.get('exp'), sig: url.searchParams.get('sig') };
    expect(verifyApproval(secret, input, now)).toMatchObject({ ok: true, action: 'approve' });
  });

  it('signs the raw execId, so an encoded one decodes back to a valid link', () => {
    const odd = 'x/y&z';
    const url = new URL(buildApprovalLink('https://h', secret, odd, 'reject', expiresAt));
    expect(url.pathname).toBe('/api/approvals/x%2Fy%26z/reject');
    const decoded = decodeURIComponent(url.pathname.split('/')[3]!);
    const input = {
      execId: decoded,
      action: 'reject',
      exp: url.searchParams.get('exp'),
      sig: url.searchParams.get('sig'),
    };
    expect(verifyApproval(secret, input, now)).toMatchObject({ ok: true, action: 'reject' });
  });

  it('gives one link per action', () => {
    const links = buildApprovalLinks('https://h//', secret, execId, expiresAt);
    expect(links.approve).toMatch(new RegExp(`^https://h/api/approvals/${execId}/approve\\?exp=\\d+&sig=[\\w-]{43}$`));
    expect(links.reject).toMatch(new RegExp(`^https://h/api/approvals/${execId}/reject\\?exp=\\d+&sig=[\\w-]{43}$`));
    expect(links.approve.split('sig=')[1]).not.toBe(links.reject.split('sig=')[1]);
  });
});
