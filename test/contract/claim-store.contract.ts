// ClaimStore contract: one execution per key, every change conditional on the version the caller holds.
import { describe, expect, it } from 'vitest';
import type { ClaimStore } from '../../src/services/runs/ports';

const NOW = new Date('2026-03-01T00:00:00.000Z');

export function describeClaimStoreContract(name: string, make: () => Promise<ClaimStore>): void {
  describe(`ClaimStore contract: ${name}`, () => {
    it('gives a key to its first claimant; later ones find it pending, then committed, with its execution', async () => {
      const claims = await make();
      const first = await claims.claimKey('k1', 'e1', NOW, 'f');
      expect(first.kind).toBe('claimed');
      expect(await claims.claimKey('k1', 'e2', NOW, 'f')).toMatchObject({
        kind: 'pending',
        execId: 'e1',
        fingerprint: 'f',
      });
      await claims.commitKey('k1', 'e1');
      expect(await claims.claimKey('k1', 'e3', NOW)).toMatchObject({ kind: 'committed', execId: 'e1' });
    });

    it('renews only with the current token, and a renewal makes the old token stale', async () => {
      const claims = await make();
      const first = await claims.claimKey('k2', 'e1', NOW);
      if (first.kind !== 'claimed') throw new Error('not claimed');
      const held = { execId: 'e1', token: first.token, fingerprint: null };
      const renewed = await claims.renewKey('k2', held, new Date(NOW.getTime() + 1000));
      expect(renewed).toBeTruthy();
      expect(await claims.renewKey('k2', held, NOW)).toBeNull();
      // A take-over: another request renews the pending claim for its own execution with the token it read.
      const found = await claims.claimKey('k2', 'e9', NOW);
      if (found.kind !== 'pending') throw new Error('not pending');
      expect(await claims.renewKey('k2', { ...found, execId: 'e9' }, NOW)).toBeTruthy();
      await claims.commitKey('k2', 'e1');
      expect(await claims.claimKey('k2', 'e3', NOW)).toMatchObject({ kind: 'pending', execId: 'e9' });
    });

    it('frees a key only for the holder of its current token', async () => {
      const claims = await make();
      const first = await claims.claimKey('k3', 'e1', NOW);
      if (first.kind !== 'claimed') throw new Error('not claimed');
      const renewed = await claims.renewKey('k3', { execId: 'e1', token: first.token, fingerprint: null }, NOW);
      await claims.releaseKey('k3', first.token);
      expect((await claims.claimKey('k3', 'e2', NOW)).kind).toBe('pending');
      await claims.releaseKey('k3', renewed!);
      expect((await claims.claimKey('k3', 'e2', NOW)).kind).toBe('claimed');
    });
  });
}
