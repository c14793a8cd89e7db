// Redaction of secret-looking variables from runbook output.
import { describe, expect, it } from 'vitest';
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
