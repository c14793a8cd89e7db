// A stored alert always fits the room a record keeps for it, however large the sender made it.
import { describe, expect, it } from 'vitest';
import { boundAlert } from '../../../src/domain/alerts/alert';
import { sampleAlert } from '../../support/fixtures';

describe('boundAlert', () => {
  it('keeps a huge alert under 120,000 characters of JSON', () => {
    const big = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`label-${i}-${'k'.repeat(300)}`, 'v'.repeat(5000)]),
    );
    const bounded = boundAlert(sampleAlert({ labels: big, annotations: big }));
    expect(JSON.stringify(bounded).length).toBeLessThan(120_000);
    expect(Object.keys(bounded.labels)).toHaveLength(32);
  });

  it('stays under 120,000 characters of JSON with the characters JSON escapes most', () => {
    for (const ch of ['"', '\\', '\u0001', '\n', '😀']) {
      const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${i}${ch.repeat(300)}`, ch.repeat(5000)]));
      const scalar = ch.repeat(5000);
      const bounded = boundAlert(
        sampleAlert({
          labels: big,
          annotations: big,
          alertId: scalar,
          rule: scalar,
          ruleName: scalar,
          severity: scalar,
        }),
      );
      expect(JSON.stringify(bounded).length, JSON.stringify(ch)).toBeLessThan(120_000);
    }
  });

  it('bounds sender-chosen scalars and hashes long keys, equal events keeping equal keys', () => {
    const long = 'x'.repeat(200_000);
    const a = boundAlert(sampleAlert({ alertId: long, rule: long, idempotencyKey: long }));
    expect(a.alertId.length).toBe(512);
    expect(a.rule?.length).toBe(512);
    expect(a.idempotencyKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(boundAlert(sampleAlert({ idempotencyKey: long })).idempotencyKey).toBe(a.idempotencyKey);
    expect(JSON.stringify(a).length).toBeLessThan(120_000);
  });
});
