// Label matchers: Alertmanager syntax and semantics, including missing labels and anchored regexes.
import { describe, expect, it } from 'vitest';
import {
  matchesLabel,
  matchesLabels,
  parseLabelMatcher,
  type LabelMatcher,
} from '../../../src/domain/alerts/label-matcher';

function parsed(text: string): LabelMatcher {
  const p = parseLabelMatcher(text);
  if (!p.ok) throw new Error(p.message);
  return p.matcher;
}

const holds = (texts: string[], labels: Record<string, string>) => matchesLabels(texts.map(parsed), labels);

describe('parseLabelMatcher', () => {
  it.each([
    ['team=ops', { name: 'team', op: '=', value: 'ops' }],
    ['team!=ops', { name: 'team', op: '!=', value: 'ops' }],
    ['team=~op.*', { name: 'team', op: '=~', value: 'op.*' }],
    ['team!~op.*', { name: 'team', op: '!~', value: 'op.*' }],
    ['team = "ops team"', { name: 'team', op: '=', value: 'ops team' }],
    ['msg="say \\"hi\\""', { name: 'msg', op: '=', value: 'say "hi"' }],
    ['team=', { name: 'team', op: '=', value: '' }],
    ['team=""', { name: 'team', op: '=', value: '' }],
    ['microsoft.resourceid=~".*/vm1"', { name: 'microsoft.resourceid', op: '=~', value: '.*/vm1' }],
    ['a==b', { name: 'a', op: '=', value: '=b' }],
  ])('parses %s', (text, expected) => {
    expect(parseLabelMatcher(text)).toEqual({ ok: true, matcher: { text, ...expected } });
  });

  it.each([
    ['team', 'expected name=value'],
    ['=ops', 'expected name=value'],
    ['team="ops', 'closed double-quoted string'],
    ['team="a" "b"', 'closed double-quoted string'],
    ['team=~(', 'invalid regular expression'],
    ['team=~a)(b', 'invalid regular expression'],
    ['team!~"[z-a]"', 'invalid regular expression'],
  ])('rejects %s, naming the matcher', (text, why) => {
    const p = parseLabelMatcher(text);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.message).toContain(`label matcher "${text}"`);
      expect(p.message).toContain(why);
    }
  });
});

describe('matchesLabels', () => {
  const labels = { team: 'ops', namespace: 'payments-prod', severity: 'critical' };

  it('needs every matcher to hold', () => {
    expect(holds(['team=ops', 'severity=critical'], labels)).toBe(true);
    expect(holds(['team=ops', 'severity=warning'], labels)).toBe(false);
    expect(holds([], labels)).toBe(true);
  });

  it('compares values exactly and case-sensitively', () => {
    expect(holds(['team=OPS'], labels)).toBe(false);
    expect(holds(['team!=OPS'], labels)).toBe(true);
  });

  it('anchors regexes at both ends, as Alertmanager does', () => {
    expect(holds(['namespace=~payments'], labels)).toBe(false);
    expect(holds(['namespace=~payments-.*'], labels)).toBe(true);
    expect(holds(['namespace=~prod|payments-prod'], labels)).toBe(true);
    expect(holds(['namespace!~.*-prod'], labels)).toBe(false);
    expect(holds(['namespace!~.*-dev'], labels)).toBe(true);
  });

  it('treats a missing label as the empty string', () => {
    expect(holds(['owner!="ops"'], labels)).toBe(true);
    expect(holds(['owner=""'], labels)).toBe(true);
    expect(holds(['owner=~".+"'], labels)).toBe(false);
    expect(holds(['owner=~".*"'], labels)).toBe(true);
    expect(holds(['owner!~".+"'], labels)).toBe(true);
    expect(holds(['team=~".+"'], labels)).toBe(true);
  });

  it('never finds inherited properties as labels', () => {
    expect(holds(['constructor=~".+"'], labels)).toBe(false);
    expect(holds(['toString=""'], {})).toBe(true);
  });
});

describe('label regexes on sender values', () => {
  it('match in linear time: a backtracking engine would hang here', () => {
    const parsed = parseLabelMatcher('pod=~"(a+)+b"');
    if (!parsed.ok) throw new Error(parsed.message);
    expect(matchesLabel(parsed.matcher, { pod: `${'a'.repeat(50_000)}c` })).toBe(false);
  });
});
