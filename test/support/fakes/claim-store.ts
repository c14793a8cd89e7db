// In-memory ClaimStore: one row per key, changed only when the caller's token (the row's version) still matches.
import type { ClaimStore, IdempotencyClaim } from '../../../src/services/runs/ports';

type Row = {
  execId: string;
  state: 'pending' | 'committed';
  claimedAt: Date;
  fingerprint: string | null;
  token: string;
};

export function createFakeClaimStore(): ClaimStore {
  const rows = new Map<string, Row>();
  let version = 0;
  const token = () => `t${++version}`;
  return {
    claimKey: async (key, execId, now, fingerprint = null): Promise<IdempotencyClaim> => {
      const row = rows.get(key);
      if (!row) {
        const fresh = { execId, state: 'pending' as const, claimedAt: now, fingerprint, token: token() };
        rows.set(key, fresh);
        return { kind: 'claimed', token: fresh.token };
      }
      const held = { execId: row.execId, token: row.token, fingerprint: row.fingerprint };
      return row.state === 'committed'
        ? { kind: 'committed', ...held }
        : { kind: 'pending', ...held, claimedAt: row.claimedAt };
    },
    renewKey: async (key, held, now) => {
      const row = rows.get(key);
      if (!row || row.token !== held.token) return null;
      Object.assign(row, { execId: held.execId, state: 'pending', claimedAt: now, token: token() });
      return row.token;
    },
    commitKey: async (key, execId) => {
      const row = rows.get(key);
      if (!row) throw new Error(`no claim for ${key}`);
      if (row.execId === execId && row.state !== 'committed')
        Object.assign(row, { state: 'committed', token: token() });
    },
    releaseKey: async (key, held) => {
      if (rows.get(key)?.token === held) rows.delete(key);
    },
  };
}
