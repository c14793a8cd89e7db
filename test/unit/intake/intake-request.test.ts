// Intake messages: the three kinds of run request, as the host delivers them (parsed, text, or base64 text).
import { describe, expect, it } from 'vitest';
import { parseIdempotencyKey } from '../../../src/domain/runs/idempotency-key';
import { parseIntakeMessage } from '../../../src/domain/intake/intake-request';
import { decodeMessageBody } from '../../../src/adapters/shared/text-codecs';
import { alertFixtureText } from '../../support/alert-fixtures';

const azure = alertFixtureText('azmon-metric-fired.json');
const alertmanager = alertFixtureText('alertmanager-webhook-v4-firing.composed.json');
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('intake messages', () => {
  it('reads a manual request however it is delivered', () => {
    const expected = { ok: true, request: { kind: 'manual', id: 'restart', partition: 'ops' } };
    const json = '{"id":"restart","partition":"ops"}';
    expect(parseIntakeMessage(JSON.parse(json))).toEqual(expected);
    expect(parseIntakeMessage(decodeMessageBody(json))).toEqual(expected);
    expect(parseIntakeMessage(decodeMessageBody(b64(json)))).toEqual(expected);
    expect(parseIntakeMessage({ id: 'restart' })).toEqual({ ok: true, request: { kind: 'manual', id: 'restart' } });
  });

  it('reads Azure Monitor and Alertmanager bodies as alerts, for every partition', () => {
    for (const text of [azure, alertmanager]) {
      const parsed = parseIntakeMessage(JSON.parse(text));
      expect(parsed).toEqual({ ok: true, request: { kind: 'alert', body: JSON.parse(text) } });
      expect(parseIntakeMessage(decodeMessageBody(b64(text)))).toEqual(parsed);
    }
  });

  it('reads a requestId as the idempotency key of the request, and names it when it is invalid', () => {
    expect(parseIntakeMessage({ id: 'restart', requestId: 'r-1' })).toEqual({
      ok: true,
      request: { kind: 'manual', id: 'restart', idempotencyKey: { key: 'r-1', field: 'requestId' } },
    });
    for (const requestId of ['', 'a b', 'k'.repeat(256), 7]) {
      expect(parseIntakeMessage({ id: 'restart', requestId })).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^requestId: /),
      });
    }
  });

  it('reads an Idempotency-Key header bare or as a structured-field string', () => {
    expect(parseIdempotencyKey('abc')).toBe('abc');
    expect(parseIdempotencyKey(' "abc" ')).toBe('abc');
    expect(parseIdempotencyKey('"a\\"b\\\\"')).toBe('a"b\\');
    expect(parseIdempotencyKey('"unterminated')).toBe('"unterminated');
  });

  it('refuses a message nesting deeper than the limit, naming the field, however it is delivered', () => {
    const text = `{"id":"x","partition":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    for (const body of [text, b64(text), JSON.parse(text) as unknown]) {
      expect(parseIntakeMessage(decodeMessageBody(body))).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^partition: .* 64 levels/),
      });
    }
  });

  it('explains what it cannot use', () => {
    expect(parseIntakeMessage(decodeMessageBody('not json, not base64!'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not JSON/),
    });
    expect(parseIntakeMessage({ hello: 'world' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a run request/),
    });
    expect(parseIntakeMessage({ id: 'a/b' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^id: may not contain/),
    });
    expect(parseIntakeMessage({ id: 'x', partition: '~id' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^partition:/),
    });
    expect(parseIntakeMessage({ id: 'x', extra: 1 })).toMatchObject({ ok: false });
    expect(parseIntakeMessage(42)).toMatchObject({ ok: false });
  });
});
