// Redaction of secret-looking variables from runbook output, whole and where a cap cut it.
import { describe, expect, it } from 'vitest';
import { formatTruncationMarker, redactCutOutput, redactCutTail } from '../../../src/domain/runs/output-bytes';
import { redact, findSecretValues } from '../../../src/domain/shared/redact';

describe('redact', () => {
  it('hides the values of secret-looking variables, and only those', () => {
    const env = {
      IDENTITY_HEADER: 'abcdef123456',
      MSI_SECRET: 'zzzzzzzzzz',
      AZURE_CLIENT_ID: 'client-id-123',
      API_TOKEN: 'short',
      PATH: '/usr/bin',
    };
    const out = redact('h=abcdef123456 s=zzzzzzzzzz c=client-id-123 t=short', findSecretValues(env));
    expect(out).toBe('h=[redacted IDENTITY_HEADER] s=[redacted MSI_SECRET] c=client-id-123 t=short');
  });
  it('redacts a secret that contains another one', () => {
    const env = { A_KEY: 'secret-value', B_KEY: 'secret-value-longer' };
    expect(redact('x secret-value-longer y', findSecretValues(env))).toBe('x [redacted B_KEY] y');
  });
});

describe('redacting output the cap cut', () => {
  const secrets = [{ name: 'TOKEN', value: 'pa55-w0rd-never-shown' }];
  const cut = (head: string, tail: string) => redactCutOutput({ head, tail, omittedBytes: 100 }, secrets);

  it('keeps no part of a secret the cut went through, on either side, and counts what it dropped', () => {
    expect(cut('log: pa55-w0', 'ever-shown done')).toBe(`log: ${formatTruncationMarker(100 + 7 + 10)} done`);
  });

  it('redacts whole secrets on both sides as usual, and leaves text that could not begin or end one', () => {
    const head = 'a pa55-w0rd-never-shown b';
    const tail = 'c pa55-w0rd-never-shown d';
    expect(cut(head, tail)).toBe(`a [redacted TOKEN] b${formatTruncationMarker(100)}c [redacted TOKEN] d`);
    // "p" could begin the secret and "n" end it: a cut is widened by as little as one character.
    expect(cut('step', 'n done')).toBe(`ste${formatTruncationMarker(102)} done`);
  });

  it('drops a whole secret that the possible edge of one runs into, rather than leave the rest of it', () => {
    // It ends as it begins: its last "3" could also end a secret cut at the edge, yet the whole of it is there.
    const token = [{ name: 'TOKEN', value: '3a1b2c3d4e5f6a7b8c9d3' }];
    const kept = redactCutOutput(
      { head: 'a 3a1b2c3d4e5f6a7b8c9d3', tail: '3a1b2c3d4e5f6a7b8c9d3 b', omittedBytes: 0 },
      token,
    );
    expect(kept).toBe(`a ${formatTruncationMarker(42)} b`);
    expect(redactCutTail({ text: '3a1b2c3d4e5f6a7b8c9d3\nERROR: denied', cut: true }, token)).toBe('…\nERROR: denied');
  });

  it('counts the bytes, not the characters, it drops', () => {
    const wide = [{ name: 'K', value: 'ключ-секрет' }];
    const out = redactCutOutput({ head: 'x ключ', tail: 'рет y', omittedBytes: 0 }, wide);
    expect(out).toBe(`x ${formatTruncationMarker(8 + 6)} y`);
  });
});

describe('redacting the end of a text whose start was cut', () => {
  const secrets = [{ name: 'TOKEN', value: 'pa55-w0rd-never-shown' }];

  it('drops a start that could end a secret, and marks the cut', () => {
    expect(redactCutTail({ text: 'ever-shown failed', cut: true }, secrets)).toBe('… failed');
    expect(redactCutTail({ text: 'x pa55-w0rd-never-shown', cut: true }, secrets)).toBe('…x [redacted TOKEN]');
  });

  it('only redacts a text that was not cut', () => {
    expect(redactCutTail({ text: 'n failed', cut: false }, secrets)).toBe('n failed');
  });
});
