// Unit tests for %APP_SETTING% resolution in binding values.
import { describe, expect, it } from 'vitest';
import { resolveBindingExpression } from '../../../src/local/binding-expressions';

const settings: Record<string, string> = { QUEUE_NAME: 'runbook-jobs', PREFIX: 'cloudo', EMPTY: '' };
const read = (name: string): string | undefined => settings[name];

describe('resolveBindingExpression', () => {
  it('leaves values without % unchanged', () => {
    expect(resolveBindingExpression('plain-queue', read)).toBe('plain-queue');
    expect(resolveBindingExpression('', read)).toBe('');
  });

  it('replaces a whole-value expression', () => {
    expect(resolveBindingExpression('%QUEUE_NAME%', read)).toBe('runbook-jobs');
  });

  it('replaces several expressions embedded in literal text', () => {
    expect(resolveBindingExpression('%PREFIX%-%QUEUE_NAME%-v2', read)).toBe('cloudo-runbook-jobs-v2');
  });

  it('resolves a setting defined as the empty string to ""', () => {
    expect(resolveBindingExpression('a%EMPTY%b', read)).toBe('ab');
  });

  it('does not re-scan resolved values', () => {
    const tricky = (name: string): string | undefined => (name === 'A' ? '%B%' : undefined);
    expect(resolveBindingExpression('%A%', tricky)).toBe('%B%');
  });

  it('throws naming the setting and the binding value when a setting is missing', () => {
    expect(() => resolveBindingExpression('jobs-%MISSING%', read)).toThrow(/MISSING/);
    expect(() => resolveBindingExpression('jobs-%MISSING%', read)).toThrow(/jobs-%MISSING%/);
  });

  it('throws on a % without a closing %', () => {
    expect(() => resolveBindingExpression('50%', read)).toThrow(/no closing '%'/);
  });
});
