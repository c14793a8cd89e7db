// Property tests: no input, random or a mutated real payload, makes alert parsing throw or yield an unsafe env.
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import type { ParseResult } from '../../../src/domain/alerts/alert';
import { buildAlertEnvironment } from '../../../src/domain/alerts/alert-env';
import { parseAlertPayload } from '../../../src/domain/alerts/alert-payload';
import { alertFixture, alertFixtureNames } from '../../support/alert-fixtures';

const NUM_RUNS = 300;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

type Json = unknown;
type PathStep = string | number;

const fixtures: Json[] = alertFixtureNames().map((f) => alertFixture<Json>(f));

/** Every path to a nested value, the root included. */
function paths(value: Json, prefix: PathStep[] = []): PathStep[][] {
  const out: PathStep[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

function replaceAt(value: Json, at: readonly PathStep[], replacement: Json): Json {
  const [head, ...rest] = at;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, replacement) : v));
  const obj = value as Record<string, Json>;
  return { ...obj, [head]: replaceAt(obj[String(head)], rest, replacement) };
}

const mutatedFixture = fc
  .integer({ min: 0, max: fixtures.length - 1 })
  .chain((i) => {
    const base = fixtures[i];
    return fc.tuple(fc.constant(base), fc.constantFrom(...paths(base)), fc.jsonValue());
  })
  .map(([base, at, replacement]) => replaceAt(base, at, replacement));

function assertWellFormed(result: ParseResult): void {
  if (!result.ok) {
    expect(typeof result.field).toBe('string');
    expect(result.message.length).toBeGreaterThan(0);
    return;
  }
  expect(['azure-monitor', 'alertmanager']).toContain(result.kind);
  for (const { alert } of result.alerts) {
    expect(alert.source).toBe(result.kind);
    expect(alert.alertId.length).toBeGreaterThan(0);
    expect(['Fired', 'Resolved']).toContain(alert.monitorCondition);
    expect(typeof alert.idempotencyKey).toBe('string');
    for (const v of [...Object.values(alert.labels), ...Object.values(alert.annotations)])
      expect(typeof v).toBe('string');
    for (const [name, value] of Object.entries(buildAlertEnvironment(alert))) {
      expect(name).toMatch(ENV_NAME);
      expect(value).not.toContain('\0');
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThanOrEqual(4096);
    }
  }
}

describe('parseAlertPayload properties', () => {
  it('never throws on arbitrary JSON and always returns a well-formed result', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => assertWellFormed(parseAlertPayload(body))),
      { numRuns: NUM_RUNS },
    );
  });

  it('never throws on a real payload with one nested field replaced by arbitrary JSON', () => {
    fc.assert(
      fc.property(mutatedFixture, (body) => assertWellFormed(parseAlertPayload(body))),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps env names and values safe for hostile labels', () => {
    const hostile = fc.dictionary(
      fc.string({ unit: 'binary' }),
      fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue()),
    );
    const body = (labels: Record<string, unknown>) => ({
      version: '4',
      alerts: [{ status: 'firing', labels, fingerprint: 'f' }],
    });
    fc.assert(
      fc.property(hostile, (labels) => assertWellFormed(parseAlertPayload(body(labels)))),
      { numRuns: NUM_RUNS },
    );
  });
});
